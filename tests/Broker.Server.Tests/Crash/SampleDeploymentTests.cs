using System.Text.RegularExpressions;
using Broker.Server.Tests.Infrastructure;

namespace Broker.Server.Tests.Crash;

/// <summary>
/// The README's deployment, with the real sample executables: one broker-server, two Sample.Worker processes and one
/// Sample.App. The worker that starts the first welcome mail is killed with SIGKILL in the middle of it; the other
/// worker sends every mail, the killed one's as a second delivery.
/// </summary>
public sealed partial class SampleDeploymentTests
{
    private const int Users = 4;

    [Fact]
    public async Task KillingAWorkerMidMessageHandsItsMessagesToTheOtherWorker()
    {
        using var data = new TempDirectory();
        await using var server = await ServerProcess.StartAsync(data.Path);
        // Each mail takes five seconds, so the kill lands while the first worker is inside the handler even when App's
        // own shutdown is slow on a loaded machine.
        string[] workerArguments = ["--server", server.Address, "--mail-time", "5s"];
        await using var workerA = ChildProcess.Start(SampleExecutable.Path("Sample.Worker"), workerArguments);
        await using var workerB = ChildProcess.Start(SampleExecutable.Path("Sample.Worker"), workerArguments);
        await workerA.WaitForLineAsync("consumes channel 'user/registered'");
        await workerB.WaitForLineAsync("consumes channel 'user/registered'");

        await using (var app = ChildProcess.Start(SampleExecutable.Path("Sample.App"), ["--server", server.Address, "--count", Users.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            Assert.Equal(0, await app.WaitForExitAsync());
            Assert.Equal(Users, Regex.Count(app.Output, "Registered user[0-9]+: message [0-9]+ stored"));
        }

        const string Sending = "Sending the welcome mail";
        await Waits.UntilAsync(() => workerA.Output.Contains(Sending, StringComparison.Ordinal) || workerB.Output.Contains(Sending, StringComparison.Ordinal),
            "a worker to start a welcome mail");
        var (killed, survivor) = workerA.Output.Contains(Sending, StringComparison.Ordinal) ? (workerA, workerB) : (workerB, workerA);
        await killed.KillAsync();
        var finished = Sent().Matches(killed.Output).Select(m => m.Groups["user"].Value).ToHashSet();
        var unfinished = SendingTo().Matches(killed.Output).Select(m => m.Groups["user"].Value).Where(u => !finished.Contains(u)).ToList();
        Assert.NotEmpty(unfinished);

        // Every user is welcomed once in all: by the survivor, the killed worker's unfinished ones as a second delivery.
        await Waits.UntilAsync(() => Sent().Count(survivor.Output) + finished.Count >= Users, $"the other worker to send every mail the killed one did not ({string.Join(", ", unfinished)})");
        Assert.Equal(Users, Sent().Count(survivor.Output) + finished.Count);
        var redelivered = Sent().Matches(survivor.Output).Where(m => unfinished.Contains(m.Groups["user"].Value)).ToList();
        Assert.Equal(unfinished.Order(), redelivered.Select(m => m.Groups["user"].Value).Order());
        Assert.All(redelivered, m => Assert.Equal("2", m.Groups["delivery"].Value));
    }

    [Fact]
    public async Task WithTraceConsoleTheWorkersProcessSpanContinuesTheAppsTrace()
    {
        using var data = new TempDirectory();
        await using var server = await ServerProcess.StartAsync(data.Path);
        await using var worker = ChildProcess.Start(SampleExecutable.Path("Sample.Worker"), ["--server", server.Address, "--trace", "console"]);
        await worker.WaitForLineAsync("consumes channel 'user/registered'");

        string appOutput;
        await using (var app = ChildProcess.Start(SampleExecutable.Path("Sample.App"), ["--server", server.Address, "--count", "1", "--trace", "console"]))
        {
            Assert.Equal(0, await app.WaitForExitAsync());
            appOutput = app.Output;
        }
        await worker.WaitForLineAsync("Activity.DisplayName:        process user/registered");
        await Waits.UntilAsync(() => worker.Output.Contains("messaging.broker.settle.outcome: completed", StringComparison.Ordinal), "the worker's span to be printed whole");

        // The console exporter prints each span as a block of "Activity.Field: value" lines.
        var request = Span(appOutput, "register user");
        var send = Span(appOutput, "send user/registered");
        var process = Span(worker.Output, "process user/registered");
        Assert.Equal(request["TraceId"], send["TraceId"]);
        Assert.Equal(request["SpanId"], send["ParentSpanId"]);
        Assert.Equal(send["TraceId"], process["TraceId"]);
        Assert.Equal(send["SpanId"], process["ParentSpanId"]);
        Assert.Equal("Consumer", process["Kind"]);
    }

    private static Dictionary<string, string> Span(string output, string name)
    {
        var blocks = output.Split("Activity.TraceId:").Skip(1).Select(b => "Activity.TraceId:" + b);
        var block = Assert.Single(blocks, b => b.Contains("Activity.DisplayName:        " + name + "\n", StringComparison.Ordinal));
        return SpanField().Matches(block).ToDictionary(m => m.Groups["field"].Value, m => m.Groups["value"].Value.Trim());
    }

    [GeneratedRegex(@"^Activity\.(?<field>[A-Za-z]+):[ ]+(?<value>.+)$", RegexOptions.Multiline)]
    private static partial Regex SpanField();

    [GeneratedRegex(@"Welcome mail sent to (?<user>user[0-9]+) \(user [0-9]+; message [0-9]+, delivery (?<delivery>[0-9]+)\)")]
    private static partial Regex Sent();

    [GeneratedRegex(@"Sending the welcome mail to (?<user>user[0-9]+) ")]
    private static partial Regex SendingTo();
}
