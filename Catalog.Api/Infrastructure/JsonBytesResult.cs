using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;

namespace Shop.Catalog.Api.Infrastructure;

/// <summary>
/// A 200 whose body is JSON already serialized (<see cref="Caching.SerializedAnswers"/>), declared to OpenAPI as
/// <typeparamref name="T"/> like <c>Ok&lt;T&gt;</c> is: the framework writes an object, not bytes it is given, and
/// <c>TypedResults.Bytes</c> would describe the answer as a file.
/// </summary>
public sealed class JsonBytesResult<T>(byte[] json) : IResult, IEndpointMetadataProvider, IStatusCodeHttpResult
{
    private const string ContentType = "application/json; charset=utf-8";

    public int? StatusCode => StatusCodes.Status200OK;

    public ReadOnlyMemory<byte> Json => json;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        httpContext.Response.StatusCode = StatusCodes.Status200OK;
        httpContext.Response.ContentType = ContentType;
        httpContext.Response.ContentLength = json.Length;
        return httpContext.Response.Body.WriteAsync(json).AsTask();
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(T), ["application/json"]));
    }
}
