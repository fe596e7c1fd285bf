using Jobs.Handlers;

namespace Jobs.Actors.Attempts;

/// <summary>Loads handlers a deployer ships as an assembly (JOBS_HANDLER_ASSEMBLIES).</summary>
public static class HandlerAssemblyLoader
{
    /// <summary>Registers every <see cref="JobTypeAttribute"/>-marked handler of the assembly at <paramref name="path"/>.</summary>
    public static IReadOnlyList<string> AddFromAssembly(this JobHandlerRegistryBuilder builder, string path)
    {
        var asm = System.Runtime.Loader.AssemblyLoadContext.Default.LoadFromAssemblyPath(Path.GetFullPath(path));
        var added = new List<string>();
        foreach (var type in asm.GetExportedTypes())
        {
            if (type.IsAbstract || !typeof(IJobHandler).IsAssignableFrom(type)) continue;
            if (type.GetCustomAttributes(typeof(JobTypeAttribute), false).FirstOrDefault() is not JobTypeAttribute attr) continue;
            if (type.GetConstructor(Type.EmptyTypes) is null)
                throw new InvalidOperationException($"{type.FullName} needs a public parameterless constructor");
            builder.Add(attr.Name, () => (IJobHandler)Activator.CreateInstance(type)!);
            added.Add(attr.Name);
        }
        return added;
    }
}
