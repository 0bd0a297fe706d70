using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Shop.Catalog.Api.Stock;

namespace Shop.Catalog.Api.Caching;

/// <summary>
/// The JSON of a cached read model with the stock figures shown over it, kept for as long as both stay the same
/// instances: in a storm every request for a page gets the same cached value and the same figures (they change at
/// most once a second), so the answer is serialized once per change, not once per request. Keyed weakly on the cached
/// value: when the read cache lets it go, its JSON goes with it. Written here because neither FusionCache nor the
/// output cache does this: FusionCache keeps values, not answers, and the output cache would key on the URL and
/// could not know when the figures change.
/// </summary>
public sealed class SerializedAnswers(IOptions<JsonOptions> json)
{
    private readonly ConditionalWeakTable<object, Answer> _answers = [];

    private sealed record Answer(ItemStockFigures Figures, byte[] Json);

    /// <summary>The UTF-8 JSON of <paramref name="cached"/> with <paramref name="figures"/> over it, as the API's JSON options write it.</summary>
    public byte[] Json<T>(T cached, ItemStockFigures figures, Func<T, ItemStockFigures, T> overlay)
        where T : class
    {
        if (_answers.TryGetValue(cached, out var answer) && ReferenceEquals(answer.Figures, figures))
        {
            return answer.Json;
        }
        var bytes = JsonSerializer.SerializeToUtf8Bytes(overlay(cached, figures), (JsonTypeInfo<T>)json.Value.SerializerOptions.GetTypeInfo(typeof(T)));
        _answers.AddOrUpdate(cached, new Answer(figures, bytes));
        return bytes;
    }
}
