using System.Security.Cryptography;
using System.Text;
using Orleans.Runtime;

namespace Orchestrator.Grains.Storage;

/// <summary>
/// Blob names for grain state: "{stateName}-{grainId}.json" with both parts escaped so the name is one flat,
/// URL-safe path segment and distinct inputs never map to the same name.
/// </summary>
public static class GrainBlobNames
{
    // Azure allows 1024 characters; stay well below and fall back to a hash for pathological keys.
    private const int MaxEscapedLength = 900;

    public static string For(string stateName, GrainId grainId)
    {
        var name = $"{Escape(stateName)}-{Escape(grainId.ToString())}.json";
        if (name.Length <= MaxEscapedLength)
        {
            return name;
        }
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)));
        return $"{name[..200]}~{hash}.json";
    }

    /// <summary>
    /// Keeps [A-Za-z0-9._] and writes every other UTF-8 byte as "~XX". '-' is escaped too, so the single
    /// separator between state name and grain id stays unambiguous; the mapping is injective.
    /// </summary>
    public static string Escape(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '.' or '_')
            {
                builder.Append(c);
            }
            else
            {
                builder.Append('~').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }
        return builder.ToString();
    }
}
