using Agentic.Runtime.Blobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Agentic.Storage.Blobs;

public static class BlobServiceCollectionExtensions
{
    /// <summary>The embedded default: <c>.agentic/blobs</c> under the working directory.</summary>
    public const string DefaultRoot = ".agentic/blobs";

    /// <summary>Stores results over the inline limit as files under <paramref name="root"/>.</summary>
    public static IServiceCollection AddLocalBlobStore(this IServiceCollection services, string root = DefaultRoot)
    {
        services.RemoveAll<IBlobStore>();
        services.AddSingleton<IBlobStore>(new LocalBlobStore(root));
        return services;
    }
}
