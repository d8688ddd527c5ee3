using Agentic.Core.Guardrails;

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
    private PolicySet _current;

    /// <summary>Loads the policies now; throws <see cref="PolicyValidationException"/> if they are invalid.</summary>
    public PolicyFileSource(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
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

    public PolicySet Current => Volatile.Read(ref _current);

    /// <summary>Why the last reload was refused (the previous set stayed in force), or null after a good reload.</summary>
    public string? LastError { get; private set; }

    public event Action<PolicySet>? Reloaded;

    public event Action<string>? ReloadFailed;

    /// <summary>Reads the policies again now (also called when the files change).</summary>
    public void Reload()
    {
        lock (_reloadLock)
        {
            try
            {
                var next = Load(Path);
                LastError = null;
                if (next.Version != Current.Version)
                {
                    Volatile.Write(ref _current, next);
                    Reloaded?.Invoke(next);
                }
            }
            catch (Exception ex) when (ex is PolicyValidationException or IOException or UnauthorizedAccessException)
            {
                LastError = $"policies in {Path} were not reloaded; {Current.Version} stays in force: {ex.Message}";
                ReloadFailed?.Invoke(LastError);
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
