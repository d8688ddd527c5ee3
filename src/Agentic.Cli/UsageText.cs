using System.Globalization;

namespace Agentic.Cli;

/// <summary>Tokens and US dollars as people read them.</summary>
internal static class UsageText
{
    public static string Tokens(long tokens) => tokens.ToString("#,0", CultureInfo.InvariantCulture);

    public static string Usd(double usd) => "$" + usd.ToString(usd != 0 && Math.Abs(usd) < 0.01 ? "0.000000" : "0.0000", CultureInfo.InvariantCulture);

    public static string Spend(long tokens, double usd) => $"{Tokens(tokens)} tokens, {Usd(usd)}";
}
