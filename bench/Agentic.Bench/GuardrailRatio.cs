using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Agentic.Bench;

/// <summary>
/// Workload G: G/A, with A (<c>--workload A</c>) and G (<c>--workload G-alone</c>) each measured in a child process of
/// its own, alternating which goes first. The children inherit the environment, so a user host's settings
/// (<c>DOTNET_TieredCompilation</c>, …) apply to both. Prints each child's median line, then one line per pair and the
/// median ratio.
/// </summary>
internal static class GuardrailRatio
{
    public static async Task<int> RunAsync(int runs, int pairs)
    {
        var ratios = new List<double>();
        for (var pair = 1; pair <= pairs; pair++)
        {
            var order = pair % 2 == 1 ? new[] { "A", "G-alone" } : ["G-alone", "A"];
            var medians = new Dictionary<string, double>();
            foreach (var workload in order)
            {
                Console.Error.WriteLine($"[G] pair {pair}/{pairs}: {workload} in a process of its own");
                medians[workload] = await MedianAsync(workload, runs).ConfigureAwait(false);
            }

            ratios.Add(medians["G-alone"] / medians["A"]);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $$"""{"label":"G/A pair {{pair}}","a_node_exec_per_s":{{medians["A"]:0}},"g_node_exec_per_s":{{medians["G-alone"]:0}},"ratio":{{ratios[^1]:0.000}}}"""));
        }

        var median = ratios.Order().ElementAt(ratios.Count / 2);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $$"""{"label":"G/A median of {{pairs}} pairs","ratio":{{median:0.000}}}"""));
        return 0;
    }

    private static async Task<double> MedianAsync(string workload, int runs)
    {
        var start = BenchProcess.StartInfo(["--workload", workload, "--runs", runs.ToString(CultureInfo.InvariantCulture)]);
        start.RedirectStandardOutput = true;
        using var child = Process.Start(start) ?? throw new InvalidOperationException($"the child measuring {workload} did not start");
        double? median = null;
        while (await child.StandardOutput.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            Console.WriteLine(line);
            using var json = JsonDocument.Parse(line);
            if (json.RootElement.GetProperty("label").GetString()!.Contains("median", StringComparison.Ordinal))
            {
                median = json.RootElement.GetProperty("node_exec_per_s").GetDouble();
            }
        }

        await child.WaitForExitAsync().ConfigureAwait(false);
        return child.ExitCode == 0 && median is { } m ? m : throw new InvalidOperationException($"the child measuring {workload} exited {child.ExitCode} without a median");
    }
}
