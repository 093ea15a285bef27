using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Newtonsoft.Json;
using Newtonsoft.Json.Serialization;
using Orleans.Serialization;

namespace Orchestrator.Grains.Storage;

/// <summary>
/// Grain state is stored as JSON by the silo's <c>IGrainStorageSerializer</c> (Orleans' Newtonsoft serializer, type
/// names included). Two of its defaults broke stored sweep specs, fixed here for every grain state:
/// <list type="bullet">
/// <item><see cref="ObjectCreationHandling.Auto"/> keeps a read-only initial value instead of the stored one: a spec's
/// <c>evaluation.observations: [1]</c> read back as the default [1, 2, 3, 4, 5], so a sweep grain reloaded on another
/// silo (its own had died) evaluated its remaining trials on five observations (issue 8: a resumed trial's C2ST
/// differed from an undisturbed run's). Stored values now replace initial ones.</item>
/// <item>A collection expression's compiler-made type (a spec's default <c>seeds: [1]</c>) was written by name and is
/// refused on reading, so such a sweep could not be reloaded at all. It is written as, and read back into, a List.</item>
/// </list>
/// </summary>
public static partial class GrainStateJson
{
    public static IServiceCollection AddGrainStateJson(this IServiceCollection services)
    {
        services.Configure<OrleansJsonSerializerOptions>(o => o.JsonSerializerSettings.ObjectCreationHandling = ObjectCreationHandling.Replace);
        // After Orleans' own post-configuration, which installs its type-checking binder.
        services.AddSingleton<IPostConfigureOptions<OrleansJsonSerializerOptions>>(new PostConfigureOptions<OrleansJsonSerializerOptions>(
            Options.DefaultName, o => o.JsonSerializerSettings.SerializationBinder = new CollectionExpressionBinder(o.JsonSerializerSettings.SerializationBinder)));
        return services;
    }

    /// <summary>Maps compiler-made collection types (<c>&lt;&gt;z__ReadOnlyArray`1</c> and the like) to List`1 both ways.</summary>
    private sealed partial class CollectionExpressionBinder(ISerializationBinder? inner) : ISerializationBinder
    {
        private readonly ISerializationBinder _inner = inner ?? new DefaultSerializationBinder();

        public void BindToName(Type serializedType, out string? assemblyName, out string? typeName) =>
            _inner.BindToName(Portable(serializedType), out assemblyName, out typeName);

        public Type BindToType(string? assemblyName, string typeName) => CompilerMade().Match(typeName) is { Success: true } m
            ? _inner.BindToType(typeof(List<>).Assembly.GetName().Name, "System.Collections.Generic.List`1" + m.Groups["arguments"].Value)
            : _inner.BindToType(assemblyName, typeName);

        private static Type Portable(Type type) =>
            type.Name.StartsWith("<>z__", StringComparison.Ordinal) && type.IsGenericType && type.GetGenericArguments() is [var element]
                ? typeof(List<>).MakeGenericType(element)
                : type;

        [GeneratedRegex(@"^<>z__\w+`1(?<arguments>\[\[.*\]\])$")]
        private static partial Regex CompilerMade();
    }
}
