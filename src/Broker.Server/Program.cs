using Broker.Server.Configuration;
using Broker.Server.Hosting;
using Broker.Server.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Broker.Server;

/// <summary>
/// <c>broker-server --data ./data [--listen 127.0.0.1:8811] [...]</c>. Settings come from a JSON file
/// (<c>--config</c>), then <c>BROKER_*</c> environment variables, then the command line, each overriding the one
/// before. Exit codes: 0 stopped cleanly, 1 failed while running, 2 invalid settings, 3 the data directory cannot be
/// used as it is (acknowledged data is missing or damaged, or its disk has no room for the log's segments).
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        CommandLine commandLine;
        try
        {
            commandLine = CommandLine.Parse(args);
        }
        catch (FormatException ex)
        {
            await Console.Error.WriteLineAsync("broker-server: " + ex.Message).ConfigureAwait(false);
            return 2;
        }
        switch (commandLine.Command)
        {
            case "help":
                await Console.Out.WriteAsync(CommandLine.Usage()).ConfigureAwait(false);
                return 0;
            case "version":
                await Console.Out.WriteLineAsync(Network.BrokerServer.Version).ConfigureAwait(false);
                return 0;
            case "hash-password":
                return await HashPasswordAsync().ConfigureAwait(false);
        }

        BrokerServerOptions options;
        try
        {
            options = BrokerServerOptions.Load(SettingSources.Build(commandLine, Environment.GetEnvironmentVariable));
            if (options.Validate() is { } problem)
                throw new FormatException(problem);
            _ = Credentials.From(options);
        }
        catch (Exception ex) when (ex is FormatException or InvalidDataException or FileNotFoundException)
        {
            await Console.Error.WriteLineAsync("broker-server: " + ex.Message).ConfigureAwait(false);
            return 2;
        }

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "HH:mm:ss.fff ";
        });
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        // The host logs a failed start ("Hosting failed to start", with the stack trace) before rethrowing it, and so
        // does the metrics endpoint's own host inside it: Main logs every failure that ends the run, once, below.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = options.ShutdownTimeout + TimeSpan.FromSeconds(10));
        builder.Services.AddSingleton(options);
        builder.Services.AddHostedService<BrokerServerService>();
        using var host = builder.Build();
        // Taken before running: RunAsync disposes the host, its services with it, when it ends.
        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Broker.Server");
        try
        {
            await host.RunAsync().ConfigureAwait(false);
            return 0;
        }
        catch (Exception ex) when (Unwrap(ex) is Engine.Storage.Log.LogDataLossException loss)
        {
            // What is lost and what to do, in the server's own words: no stack trace.
            var explanation = loss.Explain($"start with --{ServerSetting.AcceptDataLoss.Switch} true");
            ServerLog.DataDirectoryRefused(logger, explanation);
            return 3;
        }
        catch (Exception ex) when (Unwrap(ex) is Engine.Storage.Log.LogCorruptedException or Engine.Storage.StoreFullException)
        {
            var reason = Unwrap(ex).Message
                .Replace("SegmentBytes", "--" + ServerSetting.SegmentBytes.Switch, StringComparison.Ordinal)
                .Replace("AcceptDataLoss", $"--{ServerSetting.AcceptDataLoss.Switch} true", StringComparison.Ordinal);
            ServerLog.DataDirectoryRefused(logger, reason);
            return 3;
        }
        catch (Exception ex) when (Unwrap(ex) is StartRefusedException refused)
        {
            // An address in use and the like: the message says what and where; a stack trace would only bury it.
            ServerLog.CannotStart(logger, refused.Message);
            return 1;
        }
        catch (Exception ex)
        {
            ServerLog.Failed(logger, ex.Message, ex);
            return 1;
        }
    }

    /// <summary>The failure itself, out of the aggregate a host wraps start-up failures in.</summary>
    private static Exception Unwrap(Exception exception) =>
        exception is AggregateException { InnerExceptions.Count: 1 } aggregate ? Unwrap(aggregate.InnerExceptions[0]) : exception;

    private static async Task<int> HashPasswordAsync()
    {
        var password = await Console.In.ReadLineAsync().ConfigureAwait(false);
        if (password is null)
        {
            await Console.Error.WriteLineAsync("broker-server hash-password: give the password on standard input.").ConfigureAwait(false);
            return 2;
        }
        // The server refuses a blank --password, so a hash of one would be a credential nobody meant to set.
        if (string.IsNullOrWhiteSpace(password))
        {
            await Console.Error.WriteLineAsync("broker-server hash-password: the password is empty (or only whitespace); give a real one on standard input.").ConfigureAwait(false);
            return 2;
        }
        await Console.Out.WriteLineAsync(PasswordHash.Create(password)).ConfigureAwait(false);
        return 0;
    }
}
