using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Broker.Embedded.Tests.Processes;

/// <summary>
/// The entry point of this test assembly when a process test runs it as a child (the test runner never calls it). A
/// child is an application as users write one: the generic host, <c>AddBroker(b =&gt; b.UseEmbedded(dir))</c> and the
/// generated <see cref="IProcessJobs"/> channel, a producer and/or a consumer as hosted services, and a reporter of its
/// role. SIGTERM stops it as it stops any hosted application (the host's console lifetime): the services stop, then
/// the service provider is disposed, which hands the directory over. See <see cref="ChildArguments.Usage"/> and, for
/// what it prints, <see cref="ChildOutput"/>; log warnings and errors go to stderr.
/// </summary>
public static class ChildProgram
{
    /// <summary>Set to 1, the child prints <c>WAITING</c> once loaded and starts when it reads a line on stdin.</summary>
    public const string StartOnGo = "BROKER_PROCS_START_ON_GO";

    public static async Task<int> Main(string[] args)
    {
        if (ChildArguments.Parse(args) is not { } arguments)
        {
            await Console.Error.WriteLineAsync(ChildArguments.Usage);
            return 2;
        }
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddFilter(null, LogLevel.Warning);
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        builder.Services.AddBroker(b => b.UseEmbedded(arguments.Directory)).AddChannels();
        builder.Services.AddSingleton(arguments);
        builder.Services.AddSingleton(sp => sp.GetServices<IQueueChannel>().OfType<IQueueChannel<ProcessJob>>().Single(c => c.Definition.Name == arguments.Channel));
        // Hosted services stop in reverse order: the producer first, then the consumer, the role reporter last.
        builder.Services.AddHostedService<ChildRoleReporter>();
        builder.Services.AddSingleton<ChildCommands>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ChildCommands>());
        if (arguments.Consumes)
            builder.Services.AddHostedService<ChildConsumer>();
        if (arguments.Produces)
            builder.Services.AddHostedService<ChildProducer>();
        var host = builder.Build();
        if (Environment.GetEnvironmentVariable(StartOnGo) == "1")
        {
            // Built and loaded, the transport not yet created: processes told "go" together race for the lock together.
            ChildOutput.Line(ChildOutput.Waiting);
            if (await Console.In.ReadLineAsync() is null)
                return 1;
        }
        // RunAsync disposes the host, and with it the service provider and the transport, before it returns.
        await host.RunAsync();
        ChildOutput.Line(ChildOutput.Exited);
        return 0;
    }
}
