using System.Drawing;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace Broker.Dashboard.Tests.Infrastructure;

/// <summary>
/// A real headless Chromium (Debian's chromium and chromium-driver packages) driven by Selenium. Headers the dashboard
/// needs on every request (credentials) go through the DevTools protocol, so they reach the page, its stylesheet, its
/// script and the script's polls alike.
/// </summary>
public sealed class Browser : IDisposable
{
    public const string ChromeDriverDirectory = "/usr/bin";
    public const string Chromium = "/usr/bin/chromium";

    private Browser(ChromeDriver driver) => Driver = driver;

    public ChromeDriver Driver { get; }

    public static Browser Start(IReadOnlyDictionary<string, string>? headers = null, int width = 1280, int height = 900)
    {
        Assert.True(File.Exists(Chromium) && File.Exists(Path.Combine(ChromeDriverDirectory, "chromedriver")),
            "The browser tests need Debian's chromium and chromium-driver: apt-get install -y chromium chromium-driver (.ci/run does).");
        var service = ChromeDriverService.CreateDefaultService(ChromeDriverDirectory, "chromedriver");
        service.HideCommandPromptWindow = true;
        service.SuppressInitialDiagnosticInformation = true;
        var options = new ChromeOptions { BinaryLocation = Chromium };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--hide-scrollbars", $"--window-size={width},{height}");
        var driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
        driver.Manage().Timeouts().PageLoad = Waits.Generous;
        if (headers is not null)
        {
            driver.ExecuteCdpCommand("Network.enable", []);
            driver.ExecuteCdpCommand("Network.setExtraHTTPHeaders", new Dictionary<string, object?> { ["headers"] = headers.ToDictionary(h => h.Key, h => (object?)h.Value) });
        }
        return new Browser(driver);
    }

    public void Go(Uri address) => Driver.Navigate().GoToUrl(address);

    /// <summary>Waits until an element matching <paramref name="css"/> shows <paramref name="text"/> (the polling script may update it).</summary>
    public async Task<IWebElement> WaitForTextAsync(string css, string text)
    {
        IWebElement? found = null;
        await Waits.UntilAsync(() =>
        {
            found = Driver.FindElements(By.CssSelector(css)).FirstOrDefault(e => e.Text.Contains(text, StringComparison.Ordinal));
            return Task.FromResult(found is not null);
        }, $"'{text}' in {css} (page: {Driver.Url})");
        return found!;
    }

    public IWebElement Find(string css) => Driver.FindElement(By.CssSelector(css));

    /// <summary>A screenshot of the viewport at <paramref name="width"/> pixels wide, saved as PNG.</summary>
    public void Screenshot(string path, int width, int height)
    {
        Driver.Manage().Window.Size = new Size(width, height);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        Driver.GetScreenshot().SaveAsFile(path);
    }

    public void Dispose()
    {
        Driver.Quit();
        Driver.Dispose();
    }
}
