using Shop.Hosting.ApplicationModel;

namespace Shop.Hosting;

public static class ProjectExtensions
{
    /// <summary>Adds a project of the solution with an "http" endpoint; <typeparamref name="TProject"/> is generated from the AppHost's project references.</summary>
    public static IResourceBuilder<ProjectResource> AddProject<TProject>(this IDistributedApplicationBuilder builder, string name)
        where TProject : IProjectMetadata, new()
    {
        var project = new ProjectResource(name, new TProject());
        project.Annotations.Add(new EndpointAnnotation("http", "http"));
        return builder.AddResource(project);
    }

    /// <summary>Adds a program of the machine, started in <paramref name="workingDirectory"/> (relative to the AppHost folder).</summary>
    public static IResourceBuilder<ExecutableResource> AddExecutable(this IDistributedApplicationBuilder builder, string name, string command, string workingDirectory, params string[] args)
    {
        var executable = new ExecutableResource(name, command, Path.GetFullPath(workingDirectory, builder.AppHostDirectory));
        if (args.Length > 0)
        {
            executable.Annotations.Add(new CommandLineArgsAnnotation(args));
        }
        return builder.AddResource(executable);
    }
}
