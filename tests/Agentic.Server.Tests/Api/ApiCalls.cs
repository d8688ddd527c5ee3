using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Agentic.Server.Tests.Api;

/// <summary>What the API tests share: bodies, problem documents, waiting for a lifetime, a graph that spends tokens.</summary>
internal static class ApiCalls
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>One echo model call (it spends tokens), then the end.</summary>
    public const string AskingGraph = """
        graph: asking
        version: 1.0.0
        nodes:
          - { name: ask,  kind: task, type: llm, config: { provider: echo, model: m, prompt: "hello {{input.n}}" } }
          - { name: done, kind: plan, type: all }
        edges:
          - { from: ask, to: done }
          - { from: done, to: end, kind: final }
        """;

    public static StringContent Yaml(string text) => new(text, Encoding.UTF8, "application/yaml");

    /// <summary>The response is a problem document with <paramref name="status"/>; returns it.</summary>
    public static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        return problem;
    }

    /// <summary>The lifetime once in one of <paramref name="phases"/> (any end when none are given), within <see cref="Patience"/>.</summary>
    public static async Task<JsonElement> SettledAsync(HttpClient client, string id, params string[] phases)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var lifetime = await client.GetFromJsonAsync<JsonElement>($"/v1/lifetimes/{id}");
            var phase = lifetime.GetProperty("phase").GetString();
            if (phases.Length == 0 ? phase is "completed" or "failed" or "aborted" or "cancelled" : phases.Contains(phase))
            {
                return lifetime;
            }

            Assert.True(DateTime.UtcNow < deadline, $"lifetime {id} is {phase} after {Patience}");
            await Task.Delay(50);
        }
    }
}
