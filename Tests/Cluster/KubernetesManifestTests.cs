using Microsoft.Extensions.Configuration;
using Orchestrator.Silo;
using Orchestrator.Training.Data;
using YamlDotNet.RepresentationModel;

namespace Orchestrator.Tests.Cluster;

/// <summary>
/// infra/kubernetes parses, and its pieces fit together: selectors match pod labels, services target declared ports,
/// the silos reach Redis, the collector and the storage secret by the names those are declared under, and the silos'
/// settings pass the silo's own configuration check.
/// </summary>
public sealed class KubernetesManifestTests
{
    private static readonly string Folder = Path.Combine(DataLocator.FindRepositoryRoot(AppContext.BaseDirectory)!, "infra", "kubernetes");

    [Fact]
    public void The_manifests_parse_and_reference_each_other_consistently()
    {
        var documents = Directory.GetFiles(Folder, "*.yaml").SelectMany(Load).ToList();
        Assert.All(documents, d =>
        {
            Assert.NotNull(Text(d, "apiVersion"));
            Assert.NotNull(Text(d, "kind"));
            Assert.NotNull(Text(d, "metadata", "name"));
        });
        var deployments = documents.Where(d => Text(d, "kind") == "Deployment").ToList();
        var services = documents.Where(d => Text(d, "kind") == "Service").ToDictionary(d => Text(d, "metadata", "name")!);
        Assert.Equal(["orchestrator-collector", "orchestrator-redis", "orchestrator-silo"], deployments.Select(d => Text(d, "metadata", "name")).Order());

        foreach (var deployment in deployments)
            Assert.Equal(Labels(deployment, "spec", "selector", "matchLabels"), Labels(deployment, "spec", "template", "metadata", "labels"));
        foreach (var service in services.Values)
        {
            var selector = Labels(service, "spec", "selector");
            var target = Assert.Single(deployments, d => selector.All(Labels(d, "spec", "template", "metadata", "labels").Contains));
            var containerPorts = Containers(target).SelectMany(c => Sequence(c, "ports")).Select(p => Text(p, "containerPort")).ToHashSet();
            Assert.All(Sequence(service, "spec", "ports"), p => Assert.Contains(Text(p, "targetPort"), containerPorts));
        }

        var silo = Assert.Single(Containers(deployments.Single(d => Text(d, "metadata", "name") == "orchestrator-silo")));
        var args = Sequence(silo, "args").Select(a => ((YamlScalarNode)a).Value!).ToArray();
        var env = Sequence(silo, "env").ToDictionary(e => Text(e, "name")!);

        // Redis and the collector are reached by their Service names and ports.
        var redis = args.Single(a => a.StartsWith("--Orchestrator:RedisConnection=", StringComparison.Ordinal)).Split('=')[1].Split(':');
        Assert.Equal(Text(services[redis[0]], "spec", "ports", "0", "port"), redis[1]);
        var collector = new Uri(Text(env["OTEL_EXPORTER_OTLP_ENDPOINT"], "value")!);
        Assert.Equal(Text(services[collector.Host], "spec", "ports", "0", "port"), collector.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        // The connection string comes from the declared secret's key, through the environment (not the command line).
        var secretName = Text(env["ORCHESTRATOR_STORAGE_CONNECTION_STRING"], "valueFrom", "secretKeyRef", "name");
        var secret = Assert.Single(documents, d => Text(d, "kind") == "Secret" && Text(d, "metadata", "name") == secretName);
        Assert.NotNull(Text(secret, "stringData", Text(env["ORCHESTRATOR_STORAGE_CONNECTION_STRING"], "valueFrom", "secretKeyRef", "key")!));
        Assert.DoesNotContain(args, a => a.Contains("ConnectionString", StringComparison.Ordinal));
        // The silo's and gateway's ports are the container's; each pod is its own silo, named after the pod.
        var ports = Sequence(silo, "ports").Select(p => Text(p, "containerPort")).ToHashSet();
        Assert.Contains(args.Single(a => a.StartsWith("--Orchestrator:SiloPort=", StringComparison.Ordinal)).Split('=')[1], ports);
        Assert.Contains(args.Single(a => a.StartsWith("--Orchestrator:GatewayPort=", StringComparison.Ordinal)).Split('=')[1], ports);
        Assert.Equal("metadata.name", Text(env["Orchestrator__SiloName"], "valueFrom", "fieldRef", "fieldPath"));
        Assert.Equal("status.podIP", Text(env["Orchestrator__AdvertisedAddress"], "valueFrom", "fieldRef", "fieldPath"));

        // Orleans' Kubernetes hosting: the pod's name, namespace, IP and the orleans/* labels reach the silo, the labels name
        // the silo's service and cluster ids, and its service account may watch and delete the namespace's pods.
        Assert.Contains("--Orchestrator:Kubernetes=true", args);
        Assert.Equal("metadata.name", Text(env["POD_NAME"], "valueFrom", "fieldRef", "fieldPath"));
        Assert.Equal("metadata.namespace", Text(env["POD_NAMESPACE"], "valueFrom", "fieldRef", "fieldPath"));
        Assert.Equal("status.podIP", Text(env["POD_IP"], "valueFrom", "fieldRef", "fieldPath"));
        var podLabels = Labels(deployments.Single(d => Text(d, "metadata", "name") == "orchestrator-silo"), "spec", "template", "metadata", "labels");
        foreach (var (variable, label) in new[] { ("ORLEANS_SERVICE_ID", "orleans/serviceId"), ("ORLEANS_CLUSTER_ID", "orleans/clusterId") })
        {
            Assert.Equal($"metadata.labels['{label}']", Text(env[variable], "valueFrom", "fieldRef", "fieldPath"));
            Assert.Equal("orchestrator", podLabels.Single(l => l.Key == label).Value); // the silos' and clients' default ids
        }
        var account = Text(deployments.Single(d => Text(d, "metadata", "name") == "orchestrator-silo"), "spec", "template", "spec", "serviceAccountName");
        Assert.Single(documents, d => Text(d, "kind") == "ServiceAccount" && Text(d, "metadata", "name") == account);
        var binding = Assert.Single(documents, d => Text(d, "kind") == "RoleBinding"
            && Sequence(d, "subjects").Any(s => Text(s, "kind") == "ServiceAccount" && Text(s, "name") == account));
        var role = Assert.Single(documents, d => Text(d, "kind") == "Role" && Text(d, "metadata", "name") == Text(binding, "roleRef", "name"));
        var verbs = Sequence(role, "rules").Where(r => Sequence(r, "resources").Any(x => ((YamlScalarNode)x).Value == "pods"))
            .SelectMany(r => Sequence(r, "verbs")).Select(v => ((YamlScalarNode)v).Value).ToHashSet();
        Assert.Superset(new HashSet<string?> { "get", "watch", "list", "delete" }, verbs);

        // The settings pass the silo's own startup check (with a pod's values for the environment).
        var configuration = new ConfigurationBuilder().AddCommandLine(args).AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Orchestrator:SiloName"] = "orchestrator-silo-0", ["Orchestrator:AdvertisedAddress"] = "10.0.0.7",
            ["Orchestrator:ConnectionString"] = Text(secret, "stringData", "connection-string"),
        }).Build();
        var options = SiloConfiguration.Read(configuration);
        Assert.Equal("redis", options.Clustering);
        Assert.True(options.Kubernetes);
    }

    private static IEnumerable<YamlMappingNode> Load(string path)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(path);
        stream.Load(reader);
        return stream.Documents.Select(d => (YamlMappingNode)d.RootNode);
    }

    private static YamlNode? Node(YamlNode node, params string[] path)
    {
        foreach (var key in path)
        {
            node = node switch
            {
                YamlMappingNode map when map.Children.TryGetValue(new YamlScalarNode(key), out var child) => child,
                YamlSequenceNode list when int.TryParse(key, out var i) && i < list.Children.Count => list.Children[i],
                _ => null!,
            };
            if (node is null)
                return null;
        }
        return node;
    }

    private static string? Text(YamlNode node, params string[] path) => (Node(node, path) as YamlScalarNode)?.Value;

    private static IEnumerable<YamlNode> Sequence(YamlNode node, params string[] path) =>
        Node(node, path) is YamlSequenceNode list ? list.Children : [];

    private static IEnumerable<YamlNode> Containers(YamlNode deployment) => Sequence(deployment, "spec", "template", "spec", "containers");

    private static List<KeyValuePair<string, string>> Labels(YamlNode node, params string[] path) =>
        Node(node, path) is YamlMappingNode map
            ? [.. map.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value!, ((YamlScalarNode)c.Value).Value!)).OrderBy(c => c.Key)]
            : [];
}
