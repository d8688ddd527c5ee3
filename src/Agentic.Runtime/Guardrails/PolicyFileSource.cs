using Agentic.Core.Guardrails;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agentic.Runtime.Guardrails;

/// <summary>
/// Policies from a YAML file or a folder of them (<c>*.yaml</c>, <c>*.yml</c>), reloaded when they change. A reload that
/// fails keeps the previous set in force and reports why (<see cref="LastError"/>, <see cref="ReloadFailed"/>): a
/// bad edit never disables the good policies, and never half-applies.
/// </summary>
public sealed class PolicyFileSource : IPolicySource, IDisposable
{
    private readonly FileSystemWatcher _watcher;
    private readonly Timer _debounce;
    private readonly Lock _reloadLock = new();
    private readonly ILogger _logger;
    private PolicySet _current;

    /// <summary>Loads the policies now; throws <see cref="PolicyValidationException"/> if they are invalid.</summary>
    /// <param name="path">A YAML file, or a folder of them.</param>
    /// <param name="logger">Where reloads and refused reloads are reported (besides the events).</param>
    public PolicyFileSource(string path, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        _logger = logger ?? NullLogger.Instance;
        Path = System.IO.Path.GetFullPath(path);
        _current = Load(Path);
        var folder = Directory.Exists(Path) ? Path : System.IO.Path.GetDirectoryName(Path)!;
        _watcher = new FileSystemWatcher(folder) { IncludeSubdirectories = false, NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.CreationTime };
        if (!Directory.Exists(Path))
        {
            _watcher.Filter = System.IO.Path.GetFileName(Path);
        }

        // Editors write files in several steps: reload once they are quiet for a moment.
        _debounce = new Timer(_ => Reload(), null, Timeout.Infinite, Timeout.Infinite);
        FileSystemEventHandler changed = (_, _) => _debounce.Change(100, Timeout.Infinite);
        _watcher.Changed += changed;
        _watcher.Created += changed;
        _watcher.Deleted += changed;
        _watcher.Renamed += (_, _) => _debounce.Change(100, Timeout.Infinite);
        _watcher.EnableRaisingEvents = true;
    }

    public string Path { get; }

    /// <summary>The policy file or folder (absolute): recorded with each lifetime and looked for again on resume.</summary>
    public string Origin => Path;

    public PolicySet Current => Volatile.Read(ref _current);

    /// <summary>Why the last reload was refused (the previous set stayed in force), or null after a good reload.</summary>
    public string? LastError { get; private set; }

    public event Action<PolicySet>? Reloaded;

    public event Action<string>? ReloadFailed;

    /// <summary>
    /// Reads the policies again now (also called when the files change, on a timer thread). Never throws: whatever
    /// goes wrong (invalid YAML, a file half-written, an unreadable folder, a failing event handler), the set in force
    /// stays in force and the refusal is reported; an exception on the timer thread would end the process.
    /// </summary>
    public void Reload()
    {
        lock (_reloadLock)
        {
            PolicySet next;
            try
            {
                next = Load(Path);
            }
            catch (Exception ex)
            {
                var reason = ex is PolicyValidationException or IOException or UnauthorizedAccessException ? ex.Message : $"{ex.GetType().Name}: {ex.Message}";
                LastError = $"policies in {Path} were not reloaded; {Current.Version} stays in force: {reason}";
                _logger.LogWarning("{Refusal}", LastError);
                Notify(ReloadFailed, LastError);
                return;
            }

            LastError = null;
            if (next.Version != Current.Version)
            {
                Volatile.Write(ref _current, next);
                if (_logger.IsEnabled(LogLevel.Information))
                {
                    _logger.LogInformation("policies in {Path} reloaded: {Version} now in force ({Count} policies)", Path, next.Version, next.Policies.Count);
                }

                Notify(Reloaded, next);
            }
        }
    }

    private void Notify<T>(Action<T>? handlers, T value)
    {
        foreach (var handler in handlers?.GetInvocationList().Cast<Action<T>>() ?? [])
        {
            try
            {
                handler(value);
            }
            catch (Exception ex)
            {
                // A listener's failure must not end the process or stop the others from hearing of the reload.
                _logger.LogError(ex, "a policy reload listener failed");
            }
        }
    }

    public static PolicySet Load(string path)
    {
        var files = Directory.Exists(path)
            ? Directory.EnumerateFiles(path).Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal).ToList()
            : File.Exists(path) ? [path] : throw new FileNotFoundException($"policy file or folder '{path}' does not exist", path);
        return PolicyReader.Read(files.Select(f => (System.IO.Path.GetFileName(f), File.ReadAllText(f))).ToList());
    }

    public void Dispose()
    {
        _watcher.Dispose();
        _debounce.Dispose();
    }
}
