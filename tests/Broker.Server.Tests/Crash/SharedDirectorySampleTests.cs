using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Broker.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Broker.Server.Tests.Crash;

/// <summary>
/// The README's first multi-process run, with the real sample executables and nothing else: Sample.App as an HTTP API
/// and two Sample.Worker processes at once on one embedded data directory, the first to open it hosting it for the
/// others. Every message the app's requests produce is welcomed by the workers; when the process that hosts is killed
/// (SIGKILL), another one takes over, the messages its handlers held are welcomed by the other worker, the killed
/// process restarted joins again as a client, and every request after that is welcomed too.
/// </summary>
public sealed partial class SharedDirectorySampleTests(ITestOutputHelper output)
{
    private const string TookOver = "Took over hosting the embedded broker";

    [Fact]
    public async Task WhenTheAppThatHostsIsKilledAWorkerHostsAndTheRestartedAppsRequestsAreWelcomed()
    {
        using var data = ShortDirectory();
        await using var app = await SampleApp.StartAsync(data.Path);
        Assert.Equal(Role.Host, app.Role);
        await using var workerA = await StartWorkerAsync(data.Path, Role.Client);
        await using var workerB = await StartWorkerAsync(data.Path, Role.Client);
        ChildProcess[] workers = [workerA, workerB];

        var first = await app.RegisterAsync(1, 6);
        await WelcomedAsync(first, workers);
        output.WriteLine($"app hosting: {Report(first, workers)}");

        await app.Process.KillAsync();
        var takeover = Stopwatch.StartNew();
        await Waits.UntilAsync(() => workers.Any(w => w.Output.Contains(TookOver, StringComparison.Ordinal)), "a worker to take over hosting the directory");
        output.WriteLine($"app killed; worker {(workerA.Output.Contains(TookOver, StringComparison.Ordinal) ? "A" : "B")} took over, seen after {takeover.ElapsedMilliseconds} ms");
        await using var restarted = await SampleApp.StartAsync(data.Path);
        Assert.Equal(Role.Client, restarted.Role);
        var second = await restarted.RegisterAsync(7, 6);
        await WelcomedAsync(second, workers);
        output.WriteLine($"restarted app, a client: {Report(second, workers)}");
    }

    [Fact]
    public async Task WhenTheWorkerThatHostsIsKilledMidMailTheOtherWorkerWelcomesItsUsersAndItsRestartJoinsAgain()
    {
        using var data = ShortDirectory();
        // Each mail takes three seconds, so the kill lands while the hosting worker is inside its handlers.
        string[] slow = ["--mail-time", "3s"];
        await using var hosting = await StartWorkerAsync(data.Path, Role.Host, slow);
        await using var other = await StartWorkerAsync(data.Path, Role.Client, slow);
        await using var app = await SampleApp.StartAsync(data.Path);
        Assert.Equal(Role.Client, app.Role);

        var first = await app.RegisterAsync(1, 8);
        await Waits.UntilAsync(() => SendingTo().IsMatch(hosting.Output), "the hosting worker to start a welcome mail");
        await hosting.KillAsync();
        var unfinished = Ids(SendingTo(), hosting.Output).Except(Ids(Sent(), hosting.Output)).ToList();
        Assert.NotEmpty(unfinished);

        // The dead host's leases end with it: the next host replays the log, and its deliveries are ready again.
        await WelcomedAsync(first, [hosting, other]);
        Assert.All(unfinished, id => Assert.Contains(id, Ids(Sent(), other.Output)));
        var newHost = other.Output.Contains(TookOver, StringComparison.Ordinal) ? "the other worker"
            : app.Process.Output.Contains(TookOver, StringComparison.Ordinal) ? "the app"
            : null;
        Assert.True(newHost is not null, $"Neither the other worker nor the app took over. The other worker printed:\n{other.Output}\nThe app printed:\n{app.Process.Output}");
        output.WriteLine($"hosting worker killed with {unfinished.Count} mail(s) unfinished, all welcomed by the other worker; {newHost} took over; {Report(first, [hosting, other])}");

        await using var restarted = await StartWorkerAsync(data.Path, Role.Client, slow);
        var second = await app.RegisterAsync(9, 8);
        await WelcomedAsync(second, [other, restarted]);
        output.WriteLine($"restarted worker, a client: {Report(second, [other, restarted])}");
    }

    // "6 requests, welcomed 3 + 3": how many of the messages each worker welcomed (first deliveries and redeliveries).
    private static string Report(IReadOnlyList<long> messages, IReadOnlyList<ChildProcess> workers) =>
        $"{messages.Count} requests, welcomed {string.Join(" + ", workers.Select(w => Ids(Sent(), w.Output).Count(messages.Contains)))}";

    // Short and under /tmp: the directory's socket path may be at most 107 bytes.
    private static TempDirectory ShortDirectory() => new("brk", "/tmp");

    private enum Role
    {
        Host,
        Client,
    }

    private static async Task<Role> RoleAsync(ChildProcess process)
    {
        const string Hosting = "Hosting the embedded broker in ";
        const string Client = "Using the embedded broker in ";
        await Waits.UntilAsync(() => process.Output.Contains(Hosting, StringComparison.Ordinal) || process.Output.Contains(Client, StringComparison.Ordinal),
            "the process to host the directory or connect to its host");
        return process.Output.Contains(Hosting, StringComparison.Ordinal) ? Role.Host : Role.Client;
    }

    private static async Task<ChildProcess> StartWorkerAsync(string directory, Role expected, string[]? arguments = null)
    {
        var worker = ChildProcess.Start(SampleExecutable.Path("Sample.Worker"), ["--data", directory, .. arguments ?? []]);
        try
        {
            Assert.Equal(expected, await RoleAsync(worker));
            await Waits.UntilAsync(() => worker.Output.Contains("consumes channel 'user/registered'", StringComparison.Ordinal), "the worker to consume");
            return worker;
        }
        catch
        {
            await worker.DisposeAsync();
            throw;
        }
    }

    /// <summary>Waits until every message is welcomed by one of the workers (their output so far, the dead ones' too).</summary>
    private static async Task WelcomedAsync(IReadOnlyList<long> messages, IReadOnlyList<ChildProcess> workers)
    {
        var deadline = DateTime.UtcNow + Waits.Generous;
        while (true)
        {
            var welcomed = workers.SelectMany(w => Ids(Sent(), w.Output)).ToHashSet();
            var missing = messages.Where(m => !welcomed.Contains(m)).ToList();
            if (missing.Count == 0)
                return;
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Messages {string.Join(", ", missing)} were not welcomed within {Waits.Generous.TotalSeconds:0} s. The workers printed:\n" +
                    string.Join("\n----\n", workers.Select(w => w.Output)));
            }
            await Task.Delay(20);
        }
    }

    private static IEnumerable<long> Ids(Regex pattern, string output) =>
        pattern.Matches(output).Select(m => long.Parse(m.Groups["message"].Value, CultureInfo.InvariantCulture));

    [GeneratedRegex(@"Welcome mail sent to user[0-9]+ \(user [0-9]+; message (?<message>[0-9]+), delivery [0-9]+\)")]
    private static partial Regex Sent();

    [GeneratedRegex(@"Sending the welcome mail to user[0-9]+ \(message (?<message>[0-9]+), delivery [0-9]+\)")]
    private static partial Regex SendingTo();

    /// <summary>Sample.App run as its HTTP API (<c>--http 127.0.0.1:0</c>) on a data directory.</summary>
    private sealed partial class SampleApp : IAsyncDisposable
    {
        private readonly HttpClient _http;

        private SampleApp(ChildProcess process, Uri address, Role role)
        {
            Process = process;
            Role = role;
            _http = new HttpClient { BaseAddress = address, Timeout = Waits.Generous * 2 };
        }

        public ChildProcess Process { get; }

        public Role Role { get; }

        public static async Task<SampleApp> StartAsync(string directory)
        {
            var process = ChildProcess.Start(SampleExecutable.Path("Sample.App"), ["--data", directory, "--http", "127.0.0.1:0"]);
            try
            {
                await Waits.UntilAsync(() => Listening().IsMatch(process.Output), "the app to listen");
                var address = new Uri(Listening().Match(process.Output).Groups["address"].Value);
                return new SampleApp(process, address, await RoleAsync(process));
            }
            catch
            {
                await process.DisposeAsync();
                throw;
            }
        }

        /// <summary>Registers users <paramref name="first"/> onwards, one request each; the ids of the stored messages.</summary>
        public async Task<IReadOnlyList<long>> RegisterAsync(int first, int count)
        {
            var messages = new List<long>();
            for (var id = first; id < first + count; id++)
            {
                using var response = await _http.PostAsync(new Uri($"users/{id}", UriKind.Relative), content: null);
                var body = await response.Content.ReadAsStringAsync();
                Assert.True(response.IsSuccessStatusCode, $"POST /users/{id} answered {(int)response.StatusCode}: {body}\nThe app printed:\n{Process.Output}");
                var stored = Stored().Match(body);
                Assert.True(stored.Success, $"POST /users/{id} answered '{body}'");
                messages.Add(long.Parse(stored.Groups["message"].Value, CultureInfo.InvariantCulture));
            }
            return messages;
        }

        public async ValueTask DisposeAsync()
        {
            _http.Dispose();
            await Process.DisposeAsync();
        }

        [GeneratedRegex(@"Listening on (?<address>http://[0-9.]+:[0-9]+)")]
        private static partial Regex Listening();

        [GeneratedRegex(@"^Registered user[0-9]+: message (?<message>[0-9]+) stored$", RegexOptions.Multiline)]
        private static partial Regex Stored();
    }
}
