using System.Security.Cryptography;
using System.Text;

namespace Agentic.Orleans;

/// <summary>
/// API key secrets: <c>agk_</c> and 43 base64url characters (256 random bits). A secret that random needs no slow
/// hash: SHA-256 of it is the stored form and the <see cref="IApiKeyGrain"/> key.
/// </summary>
public static class ApiKeySecret
{
    public const string Prefix = "agk_";

    public static string New() => Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
