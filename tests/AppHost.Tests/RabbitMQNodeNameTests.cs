using Aspire.Hosting.ApplicationModel;
using Shop.AppHost.LocalServers;

namespace Shop.AppHost.Tests;

/// <summary>
/// A kept broker database (mnesia/{node}) is found again only under the same node name: the name must follow from
/// the data folder alone, the same in every process (a per-process string hash lost the broker's data at every run).
/// </summary>
[Collection(OneAtATime.Name)]
public sealed class RabbitMQNodeNameTests
{
    [Fact]
    public void The_node_name_is_a_function_of_the_data_folder_alone()
    {
        var password = new ParameterResource("messaging-password", _ => "unused", secret: true);

        var name = LocalRabbitMQBuilderExtensions.NodeName(new LocalRabbitMQResource("messaging", "/usr/sbin/rabbitmq-server", "/data/shop/messaging", password));
        var other = LocalRabbitMQBuilderExtensions.NodeName(new LocalRabbitMQResource("messaging", "/usr/sbin/rabbitmq-server", "/data/other/messaging", password));

        // SHA-256 of the folder's path: what any process, today or after an upgrade of .NET, computes for it.
        Assert.Equal("shop-messaging-92a48fa66c@localhost", name);
        Assert.NotEqual(name, other);
    }
}
