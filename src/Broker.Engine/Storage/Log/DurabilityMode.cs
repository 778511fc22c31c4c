namespace Broker.Engine.Storage.Log;

/// <summary>When a write to the log counts as stored.</summary>
public enum DurabilityMode
{
    /// <summary>
    /// After an fsync (fdatasync on Linux) that covers it: nothing acknowledged is lost on a crash of the process, the
    /// operating system or the machine. Writers share fsyncs (group commit). The default.
    /// </summary>
    Fsync,

    /// <summary>
    /// After the write reached the operating system, without an fsync: nothing acknowledged is lost when the process
    /// crashes, but a crash of the operating system or a power loss can lose the writes of the last seconds (whatever
    /// the kernel had not yet written back) and, if it tears the last writes, recovery may refuse to open until the loss is accepted.
    /// </summary>
    Buffered,
}
