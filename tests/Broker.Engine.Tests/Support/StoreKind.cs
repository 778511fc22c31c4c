using Broker.Engine.Storage;
using Broker.Engine.Storage.Log;

namespace Broker.Engine.Tests.Support;

/// <summary>
/// Gives the stores of successive engine lifetimes over the same data: the same memory store each time, or the log
/// reopened on the same directory (the previous one closed first, as a restarted process would).
/// </summary>
internal sealed class StoreSequence : IDisposable
{
    private readonly string _kind;
    private readonly TimeProvider _time;
    private readonly TempDirectory? _directory;
    private readonly MemoryQueueStore? _memory;
    private LogQueueStore? _log;

    public StoreSequence(string kind, TimeProvider time, LogStoreOptions? options = null)
    {
        _kind = kind;
        _time = time;
        Options = options ?? new LogStoreOptions { SegmentBytes = 64 * 1024 };
        if (kind == "memory")
            _memory = new MemoryQueueStore();
        else
            _directory = new TempDirectory();
    }

    public LogStoreOptions Options { get; }

    public string Directory => _directory!.Path;

    public LogQueueStore Log => _log!;

    public IQueueStore Next()
    {
        if (_kind == "memory")
            return _memory!;
        _log?.Dispose();
        _log = LogQueueStore.Open(_directory!.Path, Options, _time);
        return _log;
    }

    public void Dispose()
    {
        _log?.Dispose();
        _directory?.Dispose();
    }
}
