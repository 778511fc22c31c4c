// The seed's app.ts: registers users by producing them onto user/registered. Two ways to run it:
//   dotnet run --project samples/Sample.App -- --count 5             registers five users, then exits; the messages
//                                                                    wait in the broker for a worker, which may start later
//   dotnet run --project samples/Sample.App -- --http 127.0.0.1:5080 an HTTP API until stopped (Ctrl+C):
//                                                                    curl -X POST http://127.0.0.1:5080/users/7 registers user7
// Both on the embedded broker in ./broker-data (shared with the workers running on it), --data <dir> for another
// directory, or --server <host:port> for broker-server. Add --trace console to print its spans (docs/observability.md).
using Microsoft.Extensions.Configuration;
using Sample.App;

var http = new ConfigurationBuilder().AddCommandLine(args).Build()["http"];
if (http is not null)
    await HttpApi.RunAsync(args, http);
else
    await CommandLineRegistrations.RunAsync(args);
