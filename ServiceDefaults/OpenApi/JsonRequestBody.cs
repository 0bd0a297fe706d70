using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Shop.ServiceDefaults.OpenApi;

/// <summary>
/// Documents a JSON request body that the handler reads itself. <c>Accepts&lt;T&gt;</c> would document it too, but it
/// also makes routing refuse a request with another Content-Type with a bare 415 before the handler runs, leaving
/// no endpoint to say what the body should be; the handler's own check (<see cref="Http.JsonBodies"/>) answers that
/// 415 with a reason and an example.
/// </summary>
public static class JsonRequestBody
{
    public static RouteHandlerBuilder DocumentsJsonBody<TBody>(this RouteHandlerBuilder endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return endpoint.WithMetadata(new JsonRequestBodyMetadata(typeof(TBody)));
    }
}

/// <summary>The type of the JSON body an endpoint reads itself (<see cref="JsonRequestBody.DocumentsJsonBody{TBody}"/>).</summary>
public sealed record JsonRequestBodyMetadata(Type BodyType);

/// <summary>Writes the request body of operations that carry <see cref="JsonRequestBodyMetadata"/>.</summary>
internal sealed class JsonRequestBodyTransformer : IOpenApiOperationTransformer
{
    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<JsonRequestBodyMetadata>().LastOrDefault() is not { } body)
        {
            return;
        }
        var schema = await context.GetOrCreateSchemaAsync(body.BodyType, cancellationToken: cancellationToken).ConfigureAwait(false);
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = schema } },
        };
    }
}
