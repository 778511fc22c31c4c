using System.Net;
using Broker.Management;
using Broker.Transport;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Broker.Dashboard.Tests.Infrastructure;

/// <summary>
/// An ASP.NET Core app in the test process on a real Kestrel (loopback, port 0) that uses Broker and mounts the dashboard
/// at <c>/broker</c> behind the policy "ops" (role ops, see <see cref="HeaderAuthenticationHandler"/>).
/// </summary>
public sealed class TestApp : IAsyncDisposable
{
    public const string Prefix = "/broker";
    public const string Policy = "ops";

    private TestApp(WebApplication app, Uri baseAddress)
    {
        App = app;
        BaseAddress = baseAddress;
    }

    public WebApplication App { get; }

    /// <summary>The app's root, such as http://127.0.0.1:40123/.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The dashboard's home page.</summary>
    public Uri Dashboard => new(BaseAddress, Prefix + "/");

    public IQueueTransport Transport => App.Services.GetRequiredService<IQueueTransport>();

    /// <param name="broker">Chooses the adapter; in-memory when null.</param>
    /// <param name="management">Mounts the dashboard over this instead of the transport's management API.</param>
    /// <param name="time">The broker's clock (the in-memory and embedded brokers take the registered one).</param>
    public static async Task<TestApp> StartAsync(Action<BrokerBuilder>? broker = null, Func<IServiceProvider, IBrokerManagement>? management = null, TimeProvider? time = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        if (time is not null)
            builder.Services.AddSingleton(time);
        builder.Services.AddBroker(broker ?? (b => b.UseInMemory()));
        builder.Services.AddAntiforgery();
        // Keys in memory, as broker-server keeps them: a test run writes nothing to the home directory.
        builder.Services.AddDataProtection().UseEphemeralDataProtectionProvider();
        builder.Services.Configure<KeyManagementOptions>(o => o.XmlRepository = new Broker.Server.Dashboard.MemoryXmlRepository());
        builder.Services.AddAuthentication(HeaderAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, HeaderAuthenticationHandler>(HeaderAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorization(o => o.AddPolicy(Policy, p => p.RequireRole("ops")));
        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        var dashboard = management is null ? app.MapBrokerDashboard(Prefix) : app.MapBrokerDashboard(Prefix, management(app.Services));
        dashboard.RequireAuthorization(Policy);
        await app.StartAsync();
        return new TestApp(app, new Uri(app.Urls.First().TrimEnd('/') + "/"));
    }

    /// <summary>A client signed in as <paramref name="role"/> (null: anonymous) that keeps cookies and does not follow redirects.</summary>
    public DashboardClient Client(string? role = "ops") => new(Dashboard, role is null ? [] : [(HeaderAuthenticationHandler.Header, role)]);

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
