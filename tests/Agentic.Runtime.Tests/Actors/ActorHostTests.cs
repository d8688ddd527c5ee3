using Agentic.Runtime.Actors;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agentic.Runtime.Tests.Actors;

public class ActorHostTests
{
    private sealed class CountingActor : IActor<int>
    {
        private int _inside;

        public int Received;

        public int MaxInside;

        public bool Done { get; set; }

        public bool CanPassivate => Done;

        public void Receive(int message)
        {
            var inside = Interlocked.Increment(ref _inside);
            MaxInside = Math.Max(MaxInside, inside);
            Thread.SpinWait(50);
            Received++;
            if (message < 0)
            {
                Done = true;
            }

            Interlocked.Decrement(ref _inside);
        }
    }

    private static (ActorHost<CountingActor, int> Host, List<CountingActor> Activated) Host(int max = 1000, TimeSpan? idle = null)
    {
        var activated = new List<CountingActor>();
        var host = new ActorHost<CountingActor, int>(
            _ =>
            {
                var a = new CountingActor();
                lock (activated)
                {
                    activated.Add(a);
                }

                return a;
            },
            new ActorHostOptions { MaxActivations = max, IdleTimeout = idle ?? TimeSpan.FromHours(1) },
            TimeProvider.System,
            NullLogger.Instance);
        return (host, activated);
    }

    [Fact]
    public async Task ActivatesOnFirstMessage_AndHandlesOneMessageAtATime()
    {
        var (host, activated) = Host();
        using var hostScope = host;
        Assert.Equal(0, host.ActivationCount);

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 5000; i++)
            {
                host.Post("a", i);
            }
        })));

        await EventuallyAsync(() => activated.Single().Received == 20_000);
        Assert.Equal(1, host.ActivationCount);
        Assert.Equal(1, activated.Single().MaxInside);
    }

    [Fact]
    public async Task PassivatesOnlyIdleActorsThatAllowIt_AndReactivatesOnTheNextMessage()
    {
        var (host, activated) = Host();
        using var hostScope = host;
        host.Post("busy", 1);
        host.Post("done", -1);
        await EventuallyAsync(() => activated.Count == 2 && activated.All(a => a.Received == 1));

        Assert.Equal(1, host.PassivateIdle(TimeSpan.Zero));
        Assert.Equal(1, host.ActivationCount);
        Assert.True(host.TryGetActor("busy", out _));
        Assert.False(host.TryGetActor("done", out _));

        host.Post("done", 5);
        await EventuallyAsync(() => activated.Count == 3 && activated[2].Received == 1);
        Assert.Equal(3, host.ActivationsTotal);
    }

    [Fact]
    public async Task IdleTimer_PassivatesFinishedActors()
    {
        var (host, _) = Host(idle: TimeSpan.FromMilliseconds(100));
        using var hostScope = host;
        host.Post("x", -1);
        await EventuallyAsync(() => host.ActivationCount == 0);
        Assert.Equal(1, host.PassivationsTotal);
    }

    [Fact]
    public async Task BoundOnLiveActivations_ParksNewActorsUntilASlotFrees()
    {
        var (host, activated) = Host(max: 2);
        using var hostScope = host;
        host.Post("a", 1);
        host.Post("b", 1);
        host.Post("c", 1);
        await EventuallyAsync(() => activated.Count == 2 && activated.All(a => a.Received == 1));
        Assert.Equal(1, host.ParkedCount);
        Assert.False(host.TryGetActor("c", out _));

        host.Post("a", -1); // a finishes and may now be passivated
        await EventuallyAsync(() => activated[0].Done);
        host.PassivateIdle(TimeSpan.Zero);

        await EventuallyAsync(() => host.TryGetActor("c", out var c) && c!.Received == 1);
        Assert.Equal(0, host.ParkedCount);
        Assert.Equal(2, host.ActivationCount);
    }

    /// <summary>
    /// The runtime's own pattern: a turn hands work to another thread and ends, and the work posts back while the turn
    /// is ending. Every such reply must start a turn; a lost wake-up strands the actor (a hung lifetime). A spinning
    /// thread per actor posts each reply the moment the turn hands it over, so posts land as turns end, for 4 s
    /// (before the fix, an actor was stranded within 1,600 to 15,000 replies; a loaded machine makes fewer).
    /// </summary>
    [Fact]
    public void ReplyPostedWhileTheTurnEnds_IsNeverStranded()
    {
        const int actors = 2;
        var handoff = new int[actors * 16]; // a cache line apart
        var received = new int[actors];
        var posted = new int[actors];
        using var host = new ActorHost<RelayActor, int>(
            self => new RelayActor(n =>
            {
                var index = int.Parse(self.Key, System.Globalization.CultureInfo.InvariantCulture);
                Volatile.Write(ref received[index], n);
                Volatile.Write(ref handoff[index * 16], n + 1);
            }),
            new ActorHostOptions { IdleTimeout = TimeSpan.FromHours(1) },
            TimeProvider.System,
            NullLogger.Instance);
        var stopAt = DateTime.UtcNow + TimeSpan.FromSeconds(4);
        var repliers = Enumerable.Range(0, actors).Select(index => new Thread(() =>
        {
            var self = host.Ref(index.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var last = 0;
            while (DateTime.UtcNow < stopAt)
            {
                var next = Volatile.Read(ref handoff[index * 16]);
                if (next == last)
                {
                    Thread.SpinWait(1);
                    continue;
                }

                last = next;
                posted[index] = next;
                self.Post(next);
            }
        }) { IsBackground = true }).ToArray();
        foreach (var t in repliers)
        {
            t.Start();
        }

        for (var i = 0; i < actors; i++)
        {
            host.Post(i.ToString(System.Globalization.CultureInfo.InvariantCulture), 1);
        }

        foreach (var t in repliers)
        {
            t.Join();
        }

        // Every reply posted is received (the last one within a generous grace: a stranded one never is).
        SpinWait.SpinUntil(() => Enumerable.Range(0, actors).All(i => Volatile.Read(ref received[i]) == posted[i]), TimeSpan.FromSeconds(10));
        Assert.True(Enumerable.Range(0, actors).All(i => received[i] == posted[i]), $"replies posted {string.Join(", ", posted)}, received {string.Join(", ", received)}: an actor was stranded");
    }

    private sealed class RelayActor(Action<int> receive) : IActor<int>
    {
        public bool CanPassivate => false;

        public void Receive(int message) => receive(message);
    }

    private static async Task EventuallyAsync(Func<bool> condition)
    {
        for (var i = 0; i < 1000 && !condition(); i++)
        {
            await Task.Delay(5);
        }

        Assert.True(condition());
    }
}
