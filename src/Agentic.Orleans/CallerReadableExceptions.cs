using Microsoft.Extensions.Logging;

namespace Agentic.Orleans;

/// <summary>
/// Every call to an Agentic grain answers with an exception its caller can read: refusals are already
/// <see cref="ArgumentException"/>, <see cref="KeyNotFoundException"/> or <see cref="InvalidOperationException"/>;
/// anything else (a database driver's exception, say, which a client without that driver cannot deserialize) is
/// logged here and answered as an <see cref="InvalidOperationException"/> carrying its type and message.
/// </summary>
internal sealed partial class CallerReadableExceptions(ILogger<CallerReadableExceptions> logger) : IIncomingGrainCallFilter
{
    private static readonly System.Reflection.Assembly[] Ours = [typeof(IAgentLifetimeGrain).Assembly, typeof(CallerReadableExceptions).Assembly];

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        try
        {
            await context.Invoke().ConfigureAwait(false);
        }
        catch (Exception ex) when (IsOurs(context) && !IsReadable(ex))
        {
            LogTranslated(logger, ex, context.InterfaceName, context.MethodName);
            throw new InvalidOperationException($"{context.MethodName} failed: {ex.GetType().Name}: {ex.Message}");
        }
    }

    private static bool IsOurs(IIncomingGrainCallContext context) =>
        context.InterfaceMethod?.DeclaringType?.Assembly is { } assembly && Ours.Contains(assembly);

    private static bool IsReadable(Exception ex) =>
        ex is ArgumentException or KeyNotFoundException or InvalidOperationException or OperationCanceledException or TimeoutException or NotSupportedException
        || ex.GetType().Namespace?.StartsWith("Orleans", StringComparison.Ordinal) == true;

    [LoggerMessage(Level = LogLevel.Error, Message = "{Interface}.{Method} failed; its caller gets the message as an InvalidOperationException")]
    private static partial void LogTranslated(ILogger logger, Exception error, string @interface, string method);
}
