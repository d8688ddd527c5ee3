using Agentic.Testing;
using Orleans.Configuration;
using YamlDotNet.RepresentationModel;

namespace Agentic.Server.Tests;

/// <summary>
/// docker-compose.yml and deploy/kubernetes against the silo host's real settings: ports, probe paths, environment
/// names, labels, grace periods and RBAC (CI also renders them with `kubectl kustomize` and `docker-compose config`).
/// </summary>
public sealed class DeploymentManifestTests
{
    private static readonly ServerSettings Defaults = new();

    private static IEnumerable<YamlMappingNode> Documents(string relativePath)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(Path.Combine(RepoPaths.Root, relativePath));
        stream.Load(reader);
        return stream.Documents.Select(d => (YamlMappingNode)d.RootNode);
    }

    private static YamlNode At(YamlNode node, params string[] path)
    {
        foreach (var key in path)
        {
            node = ((YamlMappingNode)node).Children[new YamlScalarNode(key)];
        }

        return node;
    }

    private static string Text(YamlNode node, params string[] path) => ((YamlScalarNode)At(node, path)).Value!;

    /// <summary>A mapping with its YAML merge keys (<c>&lt;&lt;: *anchor</c>) applied, as docker-compose reads it.</summary>
    private static YamlMappingNode Merged(YamlNode node)
    {
        var result = new YamlMappingNode();
        var map = (YamlMappingNode)node;
        if (map.Children.TryGetValue(new YamlScalarNode("<<"), out var inherited))
        {
            foreach (var (key, value) in Merged(inherited).Children)
            {
                result.Children[key] = value;
            }
        }

        foreach (var (key, value) in map.Children.Where(c => ((YamlScalarNode)c.Key).Value != "<<"))
        {
            result.Children[key] = value is YamlMappingNode ? Merged(value) : value;
        }

        return result;
    }

    private static bool Has(YamlNode node, string key) => node is YamlMappingNode map && map.Children.ContainsKey(new YamlScalarNode(key));

    /// <summary>An environment name the silo host reads: a setting of its own, a membership option, the connection string, or ASP.NET's Urls.</summary>
    private static void AssertKnownSetting(string name)
    {
        var parts = name.Split("__");
        var known = parts switch
        {
            ["ConnectionStrings", "Agentic"] or ["Urls"] => true,
            ["Agentic", "Membership", var option] => typeof(ClusterMembershipOptions).GetProperty(option) is not null,
            ["Agentic", "Server", var option] => typeof(Agentic.Server.Api.ApiOptions).GetProperty(option) is not null,
            ["Agentic", var setting] => typeof(ServerSettings).GetProperty(setting) is not null,
            ["POD_NAME" or "POD_NAMESPACE" or "POD_IP" or "ORLEANS_SERVICE_ID" or "ORLEANS_CLUSTER_ID"] => true,
            _ => false,
        };
        Assert.True(known, $"environment variable {name} names no setting of the silo host");
    }

    [Fact]
    public void TheKubernetesDeployment_MatchesTheSiloHost()
    {
        var documents = Documents("deploy/kubernetes/deployment.yaml").ToList();
        var deployment = Assert.Single(documents);
        var pod = At(deployment, "spec", "template");
        Assert.Equal("agentic", Text(pod, "metadata", "labels", "orleans/serviceId"));
        Assert.Equal("agentic", Text(pod, "metadata", "labels", "orleans/clusterId"));
        var container = (YamlMappingNode)((YamlSequenceNode)At(pod, "spec", "containers")).Children.Single();
        var ports = ((YamlSequenceNode)At(container, "ports")).Children.ToDictionary(p => Text(p, "name"), p => int.Parse(Text(p, "containerPort"), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(Defaults.SiloPort, ports["silo"]);
        Assert.Equal(Defaults.GatewayPort, ports["gateway"]);
        Assert.Equal(8080, ports["http"]);

        var env = ((YamlSequenceNode)At(container, "env")).Children.ToDictionary(e => Text(e, "name"), e => Has(e, "value") ? Text(e, "value") : null);
        Assert.All(env.Keys, AssertKnownSetting);
        Assert.Equal("postgres", env["Agentic__Journal"]);
        Assert.Equal(Defaults.SiloPort.ToString(System.Globalization.CultureInfo.InvariantCulture), env["Agentic__SiloPort"]);
        Assert.Equal(Defaults.GatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture), env["Agentic__GatewayPort"]);
        Assert.Equal("http://0.0.0.0:8080", env["Urls"]);
        Assert.Contains("ConnectionStrings__Agentic", env.Keys);

        Assert.Equal(ServerHost.LivePath, Text(container, "livenessProbe", "httpGet", "path"));
        Assert.Equal(ServerHost.ReadyPath, Text(container, "readinessProbe", "httpGet", "path"));
        Assert.Equal("http", Text(container, "readinessProbe", "httpGet", "port"));
        var grace = int.Parse(Text(pod, "spec", "terminationGracePeriodSeconds"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(grace > TimeSpan.Parse(env["Agentic__ShutdownTimeout"]!, System.Globalization.CultureInfo.InvariantCulture).TotalSeconds, "the pod's grace period outlasts the silo's shutdown");
        Assert.Equal("/policies", Text(((YamlSequenceNode)At(container, "volumeMounts")).Children.Single(), "mountPath"));
        Assert.Equal("agentic-silo", Text(pod, "spec", "serviceAccountName"));
    }

    [Fact]
    public void TheRbacSecretServiceAndBudget_AreWhatTheDeploymentUses()
    {
        var rbac = Documents("deploy/kubernetes/rbac.yaml").ToList();
        var role = rbac.Single(d => Text(d, "kind") == "Role");
        var rule = ((YamlSequenceNode)At(role, "rules")).Children.Single();
        Assert.Equal(["pods"], ((YamlSequenceNode)At(rule, "resources")).Children.Select(c => ((YamlScalarNode)c).Value));
        Assert.Equal(["get", "list", "watch", "delete"], ((YamlSequenceNode)At(rule, "verbs")).Children.Select(c => ((YamlScalarNode)c).Value));
        Assert.Equal("agentic-silo", Text(rbac.Single(d => Text(d, "kind") == "ServiceAccount"), "metadata", "name"));

        var secrets = Documents("deploy/kubernetes/secret.yaml").ToDictionary(d => Text(d, "metadata", "name"));
        Assert.True(Has(At(secrets["agentic-db"], "stringData"), "connection-string"));
        Assert.True(Has(At(secrets["agentic-admin"], "stringData"), "admin-key"));
        var env = ((YamlSequenceNode)At(Documents("deploy/kubernetes/deployment.yaml").Single(), "spec", "template", "spec", "containers")).Children.Cast<YamlMappingNode>().Single().Children[new YamlScalarNode("env")];
        var adminKey = ((YamlSequenceNode)env).Children.Single(e => Text(e, "name") == "Agentic__Server__AdminKey");
        Assert.Equal(("agentic-admin", "admin-key"), (Text(adminKey, "valueFrom", "secretKeyRef", "name"), Text(adminKey, "valueFrom", "secretKeyRef", "key")));
        var service = Documents("deploy/kubernetes/service.yaml").Single();
        Assert.Equal(["gateway", "http"], ((YamlSequenceNode)At(service, "spec", "ports")).Children.Select(p => Text(p, "targetPort")));
        var budget = Documents("deploy/kubernetes/pdb.yaml").Single();
        Assert.Equal("1", Text(budget, "spec", "maxUnavailable"));
        var kustomization = Documents("deploy/kubernetes/kustomization.yaml").Single();
        var listed = ((YamlSequenceNode)At(kustomization, "resources")).Children.Select(c => ((YamlScalarNode)c).Value!).ToHashSet();
        var files = Directory.GetFiles(Path.Combine(RepoPaths.Root, "deploy", "kubernetes"), "*.yaml").Select(Path.GetFileName).Where(f => f != "kustomization.yaml");
        Assert.All(files, f => Assert.Contains(f!, listed));
    }

    [Fact]
    public void DockerCompose_RunsPostgresAndThreeSilos_WithTheSiloHostsSettings()
    {
        var compose = Documents("docker-compose.yml").Single();
        var services = (YamlMappingNode)At(compose, "services");
        var silos = services.Children.Where(s => ((YamlScalarNode)s.Key).Value!.StartsWith("silo", StringComparison.Ordinal)).Select(s => Merged(s.Value)).ToList();
        Assert.Equal(3, silos.Count);
        Assert.Contains(new YamlScalarNode("postgres"), services.Children.Keys);
        var addresses = new HashSet<string>();
        foreach (var silo in silos)
        {
            var env = ((YamlMappingNode)At(silo, "environment")).Children.ToDictionary(e => ((YamlScalarNode)e.Key).Value!, e => ((YamlScalarNode)e.Value).Value!);
            Assert.All(env.Keys, AssertKnownSetting);
            Assert.Equal("postgres", env["Agentic__Journal"]);
            Assert.Equal(Defaults.GatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture), env["Agentic__GatewayPort"]);
            Assert.True(addresses.Add(env["Agentic__AdvertisedAddress"]), "each silo advertises its own address");
            var published = ((YamlSequenceNode)At(silo, "ports")).Children.Select(p => ((YamlScalarNode)p).Value!.Split(':')[1]).ToList();
            Assert.Equal([Defaults.GatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "8080"], published);
            Assert.Contains(ServerHost.ReadyPath, string.Join(" ", ((YamlSequenceNode)At(silo, "healthcheck", "test")).Children.Select(c => ((YamlScalarNode)c).Value)), StringComparison.Ordinal);
            Assert.True(TimeSpan.FromSeconds(int.Parse(Text(silo, "stop_grace_period").TrimEnd('s'), System.Globalization.CultureInfo.InvariantCulture)) > Defaults.ShutdownTimeout);
        }
    }
}
