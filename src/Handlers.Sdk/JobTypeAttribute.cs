namespace Jobs.Handlers;

/// <summary>
/// Names the job type of an <see cref="IJobHandler"/> in a handler assembly the node loads at
/// start (JOBS_HANDLER_ASSEMBLIES). The class needs a public parameterless constructor.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class JobTypeAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}
