// Compiled into the assemblies that read Broker's configuration section (see src/Shared/README.md). Runtime only: it
// uses Microsoft.Extensions.Options.
using System;
using System.Collections.Generic;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Broker.Settings;

/// <summary>
/// Options built from configuration, then from code (the lambda wins), and checked when the host starts
/// (<c>ValidateOnStart</c>), with every problem naming its configuration key. Without a host they are checked when
/// first used. Read once: a change to the configuration after that does not reach a running adapter or subscription.
/// </summary>
internal static class ConfiguredOptions
{
    /// <summary>Registers the options and returns how their users get them.</summary>
    /// <typeparam name="T">The options type.</typeparam>
    /// <param name="services">The service collection.</param>
    /// <param name="name">A name unique to this registration, such as <c>Broker:Embedded</c>.</param>
    /// <param name="sections">
    /// The sections to read, in order (a later one wins), when the options are first built; none when there is no
    /// configuration. The first names settings that no section sets.
    /// </param>
    /// <param name="read">Reads one section into the options; the service provider is the application's.</param>
    /// <param name="configure">The code's own settings, applied after every section; null for none.</param>
    /// <param name="validate">The options' own check: throws an <see cref="ArgumentException"/> whose parameter name is the setting's key.</param>
    /// <param name="reportUnknownKeys">Whether keys that <paramref name="read"/> did not ask for are problems.</param>
    /// <returns>Builds (once) and returns the checked options.</returns>
    public static Func<IServiceProvider, T> Add<T>(
        IServiceCollection services,
        string name,
        Func<IServiceProvider, IReadOnlyList<IConfiguration>> sections,
        Action<SettingsSection, T, IServiceProvider> read,
        Action<T>? configure,
        Action<T> validate,
        bool reportUnknownKeys = true)
        where T : class, new()
    {
        services.AddOptions<Configured<T>>(name)
            .Configure<IServiceProvider>((configured, provider) =>
            {
                foreach (var section in sections(provider))
                {
                    var reader = new SettingsSection(section, configured.Report);
                    configured.Paths.Add(reader.Path);
                    read(reader, configured.Value, provider);
                    if (reportUnknownKeys)
                        reader.ReportUnknownKeys();
                }
            })
            // PostConfigure, not a second Configure: the code's settings win whatever order the registrations came in.
            .PostConfigure(configured => configure?.Invoke(configured.Value))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<Configured<T>>>(new Validator<T>(name, validate));
        return provider => provider.GetRequiredService<IOptionsMonitor<Configured<T>>>().Get(name).Value;
    }

    /// <summary>Options of type <typeparamref name="T"/> with what reading their configuration found.</summary>
    internal sealed class Configured<T>
        where T : class, new()
    {
        public T Value { get; } = new();

        public SettingsReport Report { get; } = new();

        /// <summary>The paths of the sections read, in order.</summary>
        public List<string> Paths { get; } = [];

        /// <summary>The full key of a setting: in the last section that set it, else in the first section.</summary>
        public string KeyOf(string setting)
        {
            for (var i = Paths.Count - 1; i >= 0; i--)
            {
                if (Report.WasRead(Join(Paths[i], setting)))
                    return Join(Paths[i], setting);
            }
            return Paths.Count > 0 ? Join(Paths[0], setting) : typeof(T).Name + "." + setting;
        }

        private static string Join(string path, string setting) => path.Length == 0 ? setting : path + ":" + setting;
    }

    private sealed class Validator<T>(string name, Action<T> validate) : IValidateOptions<Configured<T>>
        where T : class, new()
    {
        public ValidateOptionsResult Validate(string? optionsName, Configured<T> options)
        {
            if (optionsName != name)
                return ValidateOptionsResult.Skip;
            var problems = new List<string>(options.Report.Problems);
            try
            {
                validate(options.Value);
            }
            catch (ArgumentException e) when (e.ParamName is not null)
            {
                problems.Add(options.Report.DescribeRuleProblem(options.KeyOf(e.ParamName), (e as ArgumentOutOfRangeException)?.ActualValue, Rule(e)));
            }
            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }

        // The options' checks write one sentence; .NET appends " (Parameter 'name')" and, for an out-of-range value,
        // a line "Actual value was ...". The key and the value are named separately, so only the sentence is kept.
        private static string Rule(ArgumentException e)
        {
            var text = e.Message;
            var parameter = text.IndexOf(" (Parameter '", StringComparison.Ordinal);
            if (parameter >= 0)
                text = text[..parameter];
            var line = text.IndexOfAny(['\r', '\n']);
            return line >= 0 ? text[..line] : text;
        }
    }
}
