using System.Diagnostics;
using System.Text;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using Shop.IntegrationEvents;
using Shop.ServiceDefaults.Telemetry;

namespace Shop.EventBus.Tests;

/// <summary>The publish span writes its id into the message; the consume span continues from it.</summary>
public sealed class MessageTracingTests : IDisposable
{
    private const string ChangeTraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    private readonly ActivitySource _source = new("Shop.EventBus.Tests." + Guid.NewGuid().ToString("N"));
    private readonly ActivityListener _listener;

    public MessageTracingTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source == _source,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    [Fact]
    public void A_traced_change_is_published_under_a_producer_span_of_its_trace_whose_id_travels_in_the_header()
    {
        var properties = new BasicProperties { MessageId = "m-1", Type = EventTopology.FlashSaleChangedType };

        using var publish = MessageTracing.StartPublish(_source, "outbox publish catalog.flash-sale.changed", ChangeTraceParent,
            EventTopology.FlashSaleChangedRoutingKey, properties);

        Assert.NotNull(publish);
        Assert.Equal("outbox publish catalog.flash-sale.changed", publish.DisplayName);
        Assert.Equal(ActivityKind.Producer, publish.Kind);
        Assert.Equal("0af7651916cd43dd8448eb211c80319c", publish.TraceId.ToHexString());
        Assert.Equal("b7ad6b7169203331", publish.ParentSpanId.ToHexString());
        Assert.Equal(publish.Id, Encoding.ASCII.GetString(Assert.IsType<byte[]>(properties.Headers![TraceParents.Header])));
        Assert.Equal(EventTopology.Exchange, publish.GetTagItem("messaging.destination.name"));
        Assert.Equal(EventTopology.FlashSaleChangedRoutingKey, publish.GetTagItem("messaging.rabbitmq.destination.routing_key"));
        Assert.Equal("m-1", publish.GetTagItem("messaging.message.id"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not a traceparent")]
    public void An_untraced_change_gets_no_span_and_no_header(string? traceParent)
    {
        var properties = new BasicProperties { MessageId = "m-2" };

        Assert.Null(MessageTracing.StartPublish(_source, "publish x", traceParent, "x", properties));
        Assert.Null(properties.Headers);
    }

    [Fact]
    public void The_consumer_span_continues_the_publish_span_named_in_the_header()
    {
        var properties = new BasicProperties { MessageId = "m-3", Type = EventTopology.FlashSaleChangedType };
        string publishId;
        using (var publish = MessageTracing.StartPublish(_source, "outbox publish k", ChangeTraceParent, "k", properties))
        {
            publishId = publish!.Id!;
        }

        using var apply = MessageTracing.StartConsume(_source, "apply FlashSaleChanged", Delivery(properties), rootWhenUntraced: false);

        Assert.NotNull(apply);
        Assert.Equal(ActivityKind.Consumer, apply.Kind);
        Assert.Equal(publishId, $"00-{apply.TraceId.ToHexString()}-{apply.ParentSpanId.ToHexString()}-01");
        Assert.Equal(EventTopology.FlashSaleChangedRoutingKey, apply.GetTagItem("messaging.destination.name"));
        Assert.Equal("m-3", apply.GetTagItem("messaging.message.id"));
    }

    [Fact]
    public void A_header_sent_as_a_string_is_read_too() =>
        Assert.Equal("0af7651916cd43dd8448eb211c80319c", MessageTracing.Extract(new BasicProperties
        {
            Headers = new Dictionary<string, object?> { [TraceParents.Header] = ChangeTraceParent },
        }).TraceId.ToHexString());

    [Fact]
    public void An_untraced_delivery_gets_a_root_span_only_when_asked_for_one()
    {
        var delivery = Delivery(new BasicProperties { MessageId = "m-4" });

        Assert.Null(MessageTracing.StartConsume(_source, "apply ItemStocksChanged", delivery, rootWhenUntraced: false));
        using var root = MessageTracing.StartConsume(_source, "apply FlashSaleChanged", delivery, rootWhenUntraced: true);
        Assert.NotNull(root);
        Assert.Equal(default, root.ParentSpanId);
    }

    private static BasicDeliverEventArgs Delivery(IReadOnlyBasicProperties properties) =>
        new("consumer", 1, redelivered: false, EventTopology.Exchange, EventTopology.FlashSaleChangedRoutingKey, properties, ReadOnlyMemory<byte>.Empty);

    public void Dispose()
    {
        _listener.Dispose();
        _source.Dispose();
    }
}
