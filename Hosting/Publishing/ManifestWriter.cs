using System.Text.Json;
using Shop.Hosting.ApplicationModel;
using Shop.Hosting.Orchestration;

namespace Shop.Hosting.Publishing;

/// <summary>
/// Writes the app model as an Aspire manifest (schema aspire-8.0): servers as containers with their
/// connection strings, databases as values, secrets as parameters, projects with bindings and environment
/// placeholders. Deployment tools (azd, aspirate) read it to generate their own resources.
/// </summary>
internal sealed class ManifestWriter(DistributedApplicationModel model, string manifestDirectory)
{
    public async Task WriteAsync(Utf8JsonWriter writer, CancellationToken cancellationToken)
    {
        writer.WriteStartObject();
        writer.WriteString("$schema", "https://json.schemastore.org/aspire-8.0.json");
        writer.WriteStartObject("resources");
        foreach (var resource in model.Resources)
        {
            writer.WriteStartObject(resource.Name);
            await WriteResourceAsync(writer, resource, cancellationToken).ConfigureAwait(false);
            writer.WriteEndObject();
        }
        writer.WriteEndObject();
        writer.WriteEndObject();
        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task WriteResourceAsync(Utf8JsonWriter writer, IResource resource, CancellationToken cancellationToken)
    {
        switch (resource)
        {
            case ServerResource server:
                WriteServer(writer, server);
                break;
            case PostgresDatabaseResource database:
                writer.WriteString("type", "value.v0");
                writer.WriteString("connectionString", database.ConnectionStringExpression.ValueExpression);
                break;
            case ParameterResource parameter:
                WriteParameter(writer, parameter.Name, parameter.Secret, parameter.Generated, connectionString: false);
                break;
            case ConnectionStringResource connection:
                WriteParameter(writer, connection.Name, secret: true, generated: false, connectionString: true);
                break;
            case ProjectResource project:
                writer.WriteString("type", "project.v0");
                writer.WriteString("path", Path.GetRelativePath(manifestDirectory, project.Metadata.ProjectPath));
                await WriteArgsEnvAndBindingsAsync(writer, project, cancellationToken).ConfigureAwait(false);
                break;
            case ExecutableResource executable:
                writer.WriteString("type", "executable.v0");
                writer.WriteString("workingDirectory", Path.GetRelativePath(manifestDirectory, executable.WorkingDirectory));
                writer.WriteString("command", executable.Command);
                await WriteArgsEnvAndBindingsAsync(writer, executable, cancellationToken).ConfigureAwait(false);
                break;
            default:
                throw new DistributedApplicationException($"Resource '{resource.Name}' ({resource.GetType().Name}) has no manifest form.");
        }
    }

    private static void WriteServer(Utf8JsonWriter writer, ServerResource server)
    {
        var image = server.Annotations.OfType<ContainerImageAnnotation>().Single();
        var password = server.PasswordParameter.ValueExpression;
        var volume = server.Annotations.OfType<DataVolumeAnnotation>().LastOrDefault();
        writer.WriteString("type", "container.v0");
        writer.WriteString("connectionString", server.ConnectionStringExpression.ValueExpression);
        writer.WriteString("image", image.FullName);
        if (server is RedisResource)
        {
            // The official image takes no password variable; pass it to redis-server through a shell.
            writer.WriteString("entrypoint", "/bin/sh");
            WriteStrings(writer, "args", ["-c", "redis-server --requirepass $REDIS_PASSWORD" + (volume is null ? "" : " --appendonly yes")]);
        }
        if (volume is not null)
        {
            writer.WriteStartArray("volumes");
            writer.WriteStartObject();
            writer.WriteString("name", volume.VolumeName);
            writer.WriteString("target", volume.Target);
            writer.WriteBoolean("readOnly", false);
            writer.WriteEndObject();
            writer.WriteEndArray();
        }
        writer.WriteStartObject("env");
        switch (server)
        {
            case RedisResource:
                writer.WriteString("REDIS_PASSWORD", password);
                break;
            case PostgresServerResource:
                writer.WriteString("POSTGRES_HOST_AUTH_METHOD", "scram-sha-256");
                writer.WriteString("POSTGRES_INITDB_ARGS", "--auth-host=scram-sha-256 --auth-local=scram-sha-256");
                writer.WriteString("POSTGRES_USER", PostgresServerResource.UserName);
                writer.WriteString("POSTGRES_PASSWORD", password);
                break;
            case RabbitMQServerResource:
                writer.WriteString("RABBITMQ_DEFAULT_USER", RabbitMQServerResource.UserName);
                writer.WriteString("RABBITMQ_DEFAULT_PASS", password);
                break;
        }
        writer.WriteEndObject();
        writer.WriteStartObject("bindings");
        foreach (var endpoint in server.Annotations.OfType<EndpointAnnotation>())
        {
            WriteBinding(writer, endpoint);
        }
        writer.WriteEndObject();
    }

    private static void WriteParameter(Utf8JsonWriter writer, string name, bool secret, bool generated, bool connectionString)
    {
        writer.WriteString("type", "parameter.v0");
        if (connectionString)
        {
            writer.WriteString("connectionString", $"{{{name}.value}}");
        }
        writer.WriteString("value", $"{{{name}.inputs.value}}");
        writer.WriteStartObject("inputs");
        writer.WriteStartObject("value");
        writer.WriteString("type", "string");
        if (secret)
        {
            writer.WriteBoolean("secret", true);
        }
        if (generated)
        {
            writer.WriteStartObject("default");
            writer.WriteStartObject("generate");
            writer.WriteNumber("minLength", 22);
            writer.WriteBoolean("special", false);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private async Task WriteArgsEnvAndBindingsAsync(Utf8JsonWriter writer, IResourceWithEnvironment resource, CancellationToken cancellationToken)
    {
        var args = resource.Annotations.OfType<CommandLineArgsAnnotation>().SelectMany(a => a.Args).ToList();
        if (args.Count > 0)
        {
            WriteStrings(writer, "args", args);
        }
        var endpoints = resource.Annotations.OfType<EndpointAnnotation>().ToList();
        var standard = new List<KeyValuePair<string, object>>();
        if (resource is ProjectResource)
        {
            standard.Add(new("OTEL_DOTNET_EXPERIMENTAL_OTLP_EMIT_EXCEPTION_LOG_ATTRIBUTES", "true"));
            standard.Add(new("OTEL_DOTNET_EXPERIMENTAL_OTLP_EMIT_EVENT_LOG_ATTRIBUTES", "true"));
            standard.Add(new("OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY", "in_memory"));
            // Behind a cloud ingress the original scheme and host arrive in X-Forwarded-* headers.
            standard.Add(new("ASPNETCORE_FORWARDEDHEADERS_ENABLED", "true"));
            var http = endpoints.Where(e => e.Transport == "http").ToList();
            if (http.Count > 0)
            {
                standard.Add(new("HTTP_PORTS", string.Join(';', http.Select(e => $"{{{resource.Name}.bindings.{e.Name}.targetPort}}"))));
            }
        }
        foreach (var endpoint in endpoints.Where(e => e.EnvironmentVariable is not null))
        {
            standard.Add(new(endpoint.EnvironmentVariable!, $"{{{resource.Name}.bindings.{endpoint.Name}.targetPort}}"));
        }
        var context = new EnvironmentCallbackContext(model.ExecutionContext, resource);
        foreach (var (name, value) in standard)
        {
            context.EnvironmentVariables[name] = value;
        }
        foreach (var callback in resource.Annotations.OfType<EnvironmentCallbackAnnotation>())
        {
            cancellationToken.ThrowIfCancellationRequested();
            await callback.Callback(context).ConfigureAwait(false);
        }
        writer.WriteStartObject("env");
        foreach (var (name, value) in context.EnvironmentVariables)
        {
            writer.WriteString(name, value switch
            {
                string text => text,
                IManifestExpressionProvider expression => expression.ValueExpression,
                _ => value.ToString(),
            });
        }
        writer.WriteEndObject();
        if (endpoints.Count > 0)
        {
            writer.WriteStartObject("bindings");
            foreach (var endpoint in endpoints)
            {
                WriteBinding(writer, endpoint);
            }
            writer.WriteEndObject();
        }
    }

    private static void WriteBinding(Utf8JsonWriter writer, EndpointAnnotation endpoint)
    {
        writer.WriteStartObject(endpoint.Name);
        writer.WriteString("scheme", endpoint.UriScheme);
        writer.WriteString("protocol", "tcp");
        writer.WriteString("transport", endpoint.Transport);
        if (endpoint.IsExternal)
        {
            writer.WriteBoolean("external", true);
        }
        if (endpoint.TargetPort is int targetPort)
        {
            writer.WriteNumber("targetPort", targetPort);
        }
        writer.WriteEndObject();
    }

    private static void WriteStrings(Utf8JsonWriter writer, string name, IEnumerable<string> values)
    {
        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }
        writer.WriteEndArray();
    }
}
