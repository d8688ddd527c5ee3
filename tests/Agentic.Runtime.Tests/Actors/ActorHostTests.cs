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

    private static async Task EventuallyAsync(Func<bool> condition)
    {
        for (var i = 0; i < 1000 && !condition(); i++)
        {
            await Task.Delay(5);
        }

        Assert.True(condition());
    }
}
