using Broker.Analyzers.Tests.Infrastructure;

namespace Broker.Analyzers.Tests;

/// <summary>BRK0006 and BRK0008 to BRK0011: the attribute's values, each reported at its argument.</summary>
public sealed class ChannelSettingsTests
{
    private const string NameRules =
        "1 to 128 characters: ASCII letters, digits, '-' and '_' in segments separated by single '/', starting and ending with a letter or digit";

    [Fact]
    public Task EmptyNameIsReportedAtTheNameArgumentQuotingTheRules() => Verify.AnalyzerAsync("""
        [Channel({|#0:""|})]
        public partial interface IRegistrationChannel : IQueueChannel<User>;
        """,
        Verify.Diagnostic(BrokerDiagnostics.InvalidName).WithLocation(0).WithMessage(
            $"Invalid channel name. The channel name is empty. A channel name is {NameRules}, such as 'user/registered'."));

    [Fact]
    public Task NameWithAForbiddenCharacterIsReportedAtTheNameArgumentWithTheValidNameItBecomes() => Verify.AnalyzerAsync("""
        [Channel({|#0:"user registered"|})]
        public partial interface IRegistrationChannel : IQueueChannel<User>;
        """,
        Verify.Diagnostic(BrokerDiagnostics.InvalidName).WithLocation(0).WithMessage(
            $"Invalid channel name. The channel name 'user registered' contains ' ' at position 4. Write 'user-registered' instead. A channel name is {NameRules}, such as 'user/registered'."));

    [Fact]
    public Task TooLongNameIsReported() => Verify.AnalyzerAsync($$"""
        [Channel({|BRK0006:"{{new string('a', 129)}}"|})]
        public partial interface IRegistrationChannel : IQueueChannel<User>;
        """);

    [Theory]
    [InlineData("/user")]
    [InlineData("user//registered")]
    [InlineData("user/")]
    [InlineData("-user")]
    public Task NameWithAnEmptySegmentOrBadEndIsReported(string name) => Verify.AnalyzerAsync($$"""
        [Channel({|BRK0006:"{{name}}"|})]
        public partial interface IRegistrationChannel : IQueueChannel<User>;
        """);

    [Fact]
    public Task NameFromAnInvalidConstantIsReportedAtTheArgumentExpression() => Verify.AnalyzerAsync("""
        public static class Names
        {
            public const string Registered = "user.registered";
        }

        [Channel({|BRK0006:Names.Registered|})]
        public partial interface IRegistrationChannel : IQueueChannel<User>;
        """);

    [Fact]
    public Task UnparsableDedupIsReportedAtTheLiteralWithTheGrammarErrorAndASuggestion() => Verify.AnalyzerAsync("""
        [Channel("user/registered", Process = QueueMessageProcessing.ExactlyOnce, Dedup = {|#0:"1 secs."|})]
        public partial interface IRegistrationChannel : IQueueChannel<User>;
        """,
        Verify.Diagnostic(BrokerDiagnostics.InvalidDedup).WithLocation(0).WithMessage(
            "Invalid Dedup window. '1 secs.' is not an interval: unexpected '.' at position 6; expected a number and at most one unit: " +
            "ms, s, m, h, d, w or y, or a long form such as 'sec', '2 minutes', '24hours' (no unit = milliseconds; one year = 365.25 days). " +
            "Write '1 secs' instead."));

    [Fact]
    public Task CompoundDedupSuggestsOneUnit() => Verify.AnalyzerAsync("""
        [Channel("user/registered", Process = QueueMessageProcessing.ExactlyOnce, Dedup = {|#0:"1h30m"|})]
        public partial interface IRegistrationChannel : IQueueChannel<User>;
        """,
        Verify.Diagnostic(BrokerDiagnostics.InvalidDedup).WithLocation(0).WithMessage(
            "Invalid Dedup window. '1h30m' is not an interval: compound intervals such as '1h30m' are not supported; write one number and one unit, such as '90m'. " +
            "Write '90m' instead."));

    [Theory]
    [InlineData("0")]
    [InlineData("0s")]
    [InlineData("-5m")]
    [InlineData("")]
    public Task ZeroNegativeOrEmptyDedupIsReportedWithTheValidRange(string dedup) => Verify.AnalyzerAsync($$"""
        [Channel("user/registered", Process = QueueMessageProcessing.ExactlyOnce, Dedup = {|#0:"{{dedup}}"|})]
        public partial interface IRegistrationChannel : IQueueChannel<User>;
        """,
        Verify.Diagnostic(BrokerDiagnostics.InvalidDedup).WithLocation(0).WithMessage(
            $"Invalid Dedup window. {ParseError(dedup)} Write a window greater than zero and at most 1w (7 days), such as '5m'."));

    [Fact]
    public Task DedupLongerThanTheLimitIsReportedSuggestingTheLimit() => Verify.AnalyzerAsync("""
        [Channel("user/registered", Process = QueueMessageProcessing.ExactlyOnce, Dedup = {|#0:"30d"|})]
        public partial interface IRegistrationChannel : IQueueChannel<User>;
        """,
        Verify.Diagnostic(BrokerDiagnostics.InvalidDedup).WithLocation(0).WithMessage(
            "Invalid Dedup window. '30d' is longer than 1w (7 days), the longest deduplication window. Write '1w' instead."));

    [Fact]
    public Task InvalidDedupOnAnAtLeastOnceChannelIsReportedOnceAsInvalid() => Verify.AnalyzerAsync("""
        [Channel("user/registered", Dedup = {|BRK0008:"soon"|})]
        public partial interface IRegistrationChannel : IQueueChannel<User>;
        """);

    [Fact]
    public Task DedupOnAnImplicitlyAtLeastOnceChannelIsAWarningAtTheLiteral() => Verify.AnalyzerAsync("""
        [Channel("user/registered", Dedup = {|#0:"1s"|})]
        public partial interface IRegistrationChannel : IQueueChannel<User>;
        """,
        Verify.Diagnostic(BrokerDiagnostics.DedupOnAtLeastOnce).WithLocation(0).WithMessage(
            "Dedup = \"1s\" has no effect because channel 'IRegistrationChannel' is AtLeastOnce; remove Dedup, or set Process = QueueMessageProcessing.ExactlyOnce to drop duplicates produced within 1s"));

    [Fact]
    public Task DedupOnAnExplicitlyAtLeastOnceChannelIsAWarning() => Verify.AnalyzerAsync("""
        [Channel("user/registered", Process = QueueMessageProcessing.AtLeastOnce, Dedup = {|BRK0009:"5m"|})]
        public partial interface IRegistrationChannel : IQueueChannel<User>;
        """);

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    public Task MaxAttemptsBelowOneIsReportedAtTheArgument(string attempts) => Verify.AnalyzerAsync($$"""
        [Channel("user/registered", MaxAttempts = {|#0:{{attempts}}|})]
        public partial interface IRegistrationChannel : IQueueChannel<User>;
        """,
        Verify.Diagnostic(BrokerDiagnostics.InvalidMaxAttempts).WithLocation(0).WithMessage(
            $"MaxAttempts = {attempts} allows no delivery at all; write 1 or more (the default is 5)"));

    [Fact]
    public Task UnparsableRetryDelayIsReportedAtTheLiteralWithASuggestion() => Verify.AnalyzerAsync("""
        [Channel("user/registered", RetryDelay = {|#0:"2 secnods"|})]
        public partial interface IRegistrationChannel : IQueueChannel<User>;
        """,
        Verify.Diagnostic(BrokerDiagnostics.InvalidRetryDelay).WithLocation(0).WithMessage(
            "Invalid RetryDelay. '2 secnods' is not an interval: unknown unit 'secnods'; expected a number and at most one unit: " +
            "ms, s, m, h, d, w or y, or a long form such as 'sec', '2 minutes', '24hours' (no unit = milliseconds; one year = 365.25 days). " +
            "Write '2 seconds' instead."));

    [Fact]
    public Task RetryDelayHasNoUpperLimit() => Verify.AnalyzerAsync("""
        [Channel("user/registered", RetryDelay = "30d")]
        public partial interface IRegistrationChannel : IQueueChannel<User>;
        """);

    [Fact]
    public Task ZeroRetryDelayIsReportedWithoutASuggestion() => Verify.AnalyzerAsync("""
        [Channel("user/registered", RetryDelay = {|#0:"0ms"|})]
        public partial interface IRegistrationChannel : IQueueChannel<User>;
        """,
        Verify.Diagnostic(BrokerDiagnostics.InvalidRetryDelay).WithLocation(0).WithMessage(
            "Invalid RetryDelay. '0ms' is zero; an interval must be greater than zero. Write an interval greater than zero, such as '1s'."));

    private static string ParseError(string text)
    {
        try
        {
            Interval.Parse(text);
            throw new InvalidOperationException($"'{text}' parses; the test expects it not to.");
        }
        catch (FormatException e)
        {
            return e.Message;
        }
    }
}
