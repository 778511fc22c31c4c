using Broker.Nats.Naming;

namespace Broker.Nats.Tests.Unit;

public sealed class ChannelNamesTests
{
    [Fact]
    public void SlashesBecomeSubjectTokensAndTildesInStreamNames()
    {
        var names = new ChannelNames("BROKER", "user/registered");

        Assert.Equal("BROKER_Q_user~registered", names.WorkStream);
        Assert.Equal("BROKER_DLQ_user~registered", names.DeadLetterStream);
        Assert.Equal("BROKER_DEDUP_user~registered", names.LedgerStream);
        Assert.Equal("broker.q.*.user.registered", names.ReadySubjects);
        Assert.Equal("broker.q.5.user.registered", names.ReadySubject(5));
        Assert.Equal("broker.q.-3.user.registered", names.ReadySubject(-3));
        Assert.Equal("broker.d.user.registered", names.DelayedSubject);
        Assert.Equal("broker.dlq.42.user.registered", names.DeadLetterSubject(42));
    }

    [Fact]
    public void DistinctChannelsNeverShareAStreamNameOrASubject()
    {
        string[] channels = ["a", "a/b", "a_b", "a-b", "a/b/c", "a_b/c", "A/b", "q", "d", "dlq", "q/a", "d/a", "a/q", "x/1", "x_1", "dedup/a"];
        var streams = new HashSet<string>();
        var subjects = new HashSet<string>();
        foreach (var channel in channels)
        {
            var names = new ChannelNames("P", channel);
            Assert.True(streams.Add(names.WorkStream), names.WorkStream);
            Assert.True(streams.Add(names.DeadLetterStream), names.DeadLetterStream);
            Assert.True(streams.Add(names.LedgerStream), names.LedgerStream);
            foreach (var subject in new[] { names.ReadySubject(0), names.ReadySubject(1), names.DelayedSubject, names.DeadLetterSubject(1), names.LedgerSubject(1), names.BellSubject })
                Assert.True(subjects.Add(subject), subject);
        }
    }

    [Fact]
    public void SubjectsAndConsumerNamesParseBackToTheirLevelAndId()
    {
        var names = new ChannelNames("P", "user/registered");

        Assert.Equal(7, names.LevelOf(names.ReadySubject(7)));
        Assert.Equal(-7, names.LevelOf(names.ReadySubject(-7)));
        Assert.Null(names.LevelOf(new ChannelNames("P", "user/registered/more").ReadySubject(7)));
        Assert.Equal(99, names.DeadLetterIdOf(names.DeadLetterSubject(99)));
        Assert.Equal(12, ChannelNames.LevelOfConsumer(ChannelNames.LevelConsumer(12)));
        Assert.Equal(-12, ChannelNames.LevelOfConsumer(ChannelNames.LevelConsumer(-12)));
        Assert.Equal(int.MinValue, ChannelNames.LevelOfConsumer(ChannelNames.LevelConsumer(int.MinValue)));
        Assert.Null(ChannelNames.LevelOfConsumer(ChannelNames.SchedulerConsumer));
    }

    [Fact]
    public void TheDedupKeyIsThirtyTwoLowerCaseHexDigits()
    {
        Assert.Equal("000000000000000000000000000000ff", ChannelNames.KeyHex(255));
        Assert.Equal(new string('f', 32), ChannelNames.KeyHex(UInt128.MaxValue));
    }
}
