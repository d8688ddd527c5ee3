using System.Text.Json;

namespace Agentic.Core.Expressions;

/// <summary>A node of a parsed expression. Evaluation never mutates; a parsed expression is thread-safe.</summary>
internal abstract class ExpressionNode(int position, int height = 1)
{
    public int Position { get; } = position;

    /// <summary>Levels of nodes from here to the deepest leaf: evaluation recurses this deep, so the parser bounds it.</summary>
    public int Height { get; } = height;

    public abstract ExpressionValue Evaluate(IExpressionScope scope, string source);

    /// <summary>Whether evaluating this reads a name from the scope (aggregates and literals are not names).</summary>
    public virtual bool ReadsNames => false;

    /// <summary>The node as written (normalised), for messages such as a policy decision's subject.</summary>
    public virtual string Describe() => "(expression)";

    protected ExpressionException Error(string message, string source) => new(message, source, Position);

    /// <summary>The index of the first UTF-16 surrogate without its pair, or -1: such text has no UTF-8 form.</summary>
    internal static int LoneSurrogateAt(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return i;
            }
        }

        return -1;
    }

    protected static bool HasLoneSurrogate(string text) => LoneSurrogateAt(text) >= 0;
}

internal sealed class LiteralNode(int position, ExpressionValue value) : ExpressionNode(position)
{
    public ExpressionValue Value { get; } = value;

    public override ExpressionValue Evaluate(IExpressionScope scope, string source) => Value;

    public override string Describe() => Value.ToString();
}

internal sealed class NameNode(int position, string name) : ExpressionNode(position)
{
    public string Name { get; } = name;

    public override bool ReadsNames => true;

    public override ExpressionValue Evaluate(IExpressionScope scope, string source) =>
        scope.TryResolve(Name, out var value) ? value : throw Error($"unknown name '{Name}'", source);

    public override string Describe() => Name;
}

internal sealed class MemberNode(int position, ExpressionNode target, string member) : ExpressionNode(position, target.Height + 1)
{
    public ExpressionNode Target { get; } = target;

    public string Member { get; } = member;

    public override bool ReadsNames => Target.ReadsNames;

    public override ExpressionValue Evaluate(IExpressionScope scope, string source)
    {
        var target = Target.Evaluate(scope, source);
        return target.Kind switch
        {
            // Missing data reads as null so that conditions over optional fields stay simple.
            ExpressionValueKind.Null => ExpressionValue.Null,
            ExpressionValueKind.Record => target.AsRecord!.TryResolve(Member, out var field) ? field : ExpressionValue.Null,
            ExpressionValueKind.Json when target.AsJson.ValueKind == JsonValueKind.Object =>
                target.AsJson.TryGetProperty(Member, out var p) ? ExpressionValue.FromJson(p) : ExpressionValue.Null,
            _ => throw Error($"cannot read field '{Member}' of a {target.TypeName}", source),
        };
    }
}

internal sealed class IndexNode(int position, ExpressionNode target, ExpressionNode index) : ExpressionNode(position, Math.Max(target.Height, index.Height) + 1)
{
    public override bool ReadsNames => target.ReadsNames || index.ReadsNames;

    public override ExpressionValue Evaluate(IExpressionScope scope, string source)
    {
        var t = target.Evaluate(scope, source);
        var i = index.Evaluate(scope, source);
        if (t.IsNull)
        {
            return ExpressionValue.Null;
        }

        if (i.Kind == ExpressionValueKind.String && t.Kind == ExpressionValueKind.Json && t.AsJson.ValueKind == JsonValueKind.Object)
        {
            // A key with a lone surrogate (possible through JSON's \uD800 escapes) cannot name a property: absent.
            return !HasLoneSurrogate(i.AsString) && t.AsJson.TryGetProperty(i.AsString, out var p) ? ExpressionValue.FromJson(p) : ExpressionValue.Null;
        }

        if (i.Kind == ExpressionValueKind.Number && t.TryGetItems(out var items))
        {
            var list = items as IReadOnlyList<ExpressionValue> ?? items.ToList();
            var at = (int)i.AsNumber;
            if (at < 0)
            {
                at += list.Count;
            }

            return at >= 0 && at < list.Count ? list[at] : ExpressionValue.Null;
        }

        throw Error($"cannot index a {t.TypeName} with a {i.TypeName}", source);
    }
}

internal sealed class ListNode(int position, IReadOnlyList<ExpressionNode> items) : ExpressionNode(position, items.Count == 0 ? 1 : items.Max(i => i.Height) + 1)
{
    public override bool ReadsNames => items.Any(i => i.ReadsNames);

    public override ExpressionValue Evaluate(IExpressionScope scope, string source)
    {
        var values = new ExpressionValue[items.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = items[i].Evaluate(scope, source);
        }

        return ExpressionValue.FromList(values);
    }
}

internal sealed class CallNode(int position, ExpressionFunction function, IReadOnlyList<ExpressionNode> args) : ExpressionNode(position, args.Count == 0 ? 1 : args.Max(a => a.Height) + 1)
{
    public override bool ReadsNames => args.Any(a => a.ReadsNames);

    public override ExpressionValue Evaluate(IExpressionScope scope, string source)
    {
        var values = new ExpressionValue[args.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = args[i].Evaluate(scope, source);
        }

        try
        {
            return function.Invoke(values);
        }
        catch (InvalidOperationException ex)
        {
            throw Error($"{function.Name}(): {ex.Message}", source);
        }
    }
}
