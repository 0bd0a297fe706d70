using System.Net;

namespace Shop.Catalog.Tests;

/// <summary>The read API returns what catalogdb holds: paging, category filter, name search, details, categories.</summary>
[Collection(CatalogCollection.Name)]
public sealed class CatalogReadTests(CatalogAppFixture fixture)
{
    private async Task<List<int>> IdsFromDatabaseAsync(string where, int offset, int limit, params object[] parameters)
    {
        var ids = new List<int>();
        await using var command = fixture.Database.CreateCommand(
            $"SELECT id FROM catalog_items WHERE {where} ORDER BY name, id OFFSET {offset} LIMIT {limit}");
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = parameter });
        }
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetInt32(0));
        }
        return ids;
    }

    [Fact]
    public async Task The_seeded_catalog_has_at_least_100_items_over_at_least_6_categories_with_pictures()
    {
        var items = await fixture.ScalarAsync<long>("SELECT count(*) FROM catalog_items");
        var categories = await fixture.ScalarAsync<long>("SELECT count(DISTINCT category_id) FROM catalog_items");
        Assert.True(items >= 100, $"{items} items");
        Assert.True(categories >= 6, $"{categories} categories");

        var page = await fixture.Client.GetAsync<ItemsPageDto>("/api/catalog/items?pageSize=1");
        using var picture = await fixture.Client.GetAsync(page.Data[0].PictureUrl);
        Assert.Equal(HttpStatusCode.OK, picture.StatusCode);
        Assert.Equal("image/svg+xml", picture.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<svg", await picture.Content.ReadAsStringAsync());
        Assert.Contains("immutable", picture.Headers.CacheControl?.ToString());
        Assert.True(picture.Headers.CacheControl?.MaxAge >= TimeSpan.FromDays(30));
    }

    [Theory]
    [InlineData(0, 10)]
    [InlineData(3, 7)]
    [InlineData(1, 100)]
    [InlineData(1000, 10)]
    public async Task Pages_are_the_database_rows_in_name_order(int pageIndex, int pageSize)
    {
        var page = await fixture.Client.GetAsync<ItemsPageDto>($"/api/catalog/items?pageIndex={pageIndex}&pageSize={pageSize}");

        Assert.Equal(pageIndex, page.PageIndex);
        Assert.Equal(pageSize, page.PageSize);
        Assert.Equal(await fixture.ScalarAsync<long>("SELECT count(*) FROM catalog_items"), page.Count);
        Assert.Equal(await IdsFromDatabaseAsync("true", pageIndex * pageSize, pageSize), page.Data.Select(i => i.Id).ToList());
    }

    [Fact]
    public async Task Paging_through_everything_returns_each_item_exactly_once()
    {
        var seen = new List<int>();
        for (var pageIndex = 0; ; pageIndex++)
        {
            var page = await fixture.Client.GetAsync<ItemsPageDto>($"/api/catalog/items?pageIndex={pageIndex}&pageSize=25");
            if (page.Data.Count == 0)
            {
                break;
            }
            seen.AddRange(page.Data.Select(i => i.Id));
        }
        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Equal(await fixture.ScalarAsync<long>("SELECT count(*) FROM catalog_items"), seen.Count);
    }

    [Fact]
    public async Task The_category_filter_returns_exactly_that_categorys_items()
    {
        var categories = await fixture.Client.GetAsync<List<CategoryDto>>("/api/catalog/categories");
        Assert.Equal(await fixture.ScalarAsync<long>("SELECT count(*) FROM catalog_categories"), categories.Count);
        var category = categories.Single(c => c.Name == "Electronics");

        var page = await fixture.Client.GetAsync<ItemsPageDto>($"/api/catalog/items?categoryId={category.Id}&pageSize=100");

        Assert.Equal(await fixture.ScalarAsync<long>("SELECT count(*) FROM catalog_items WHERE category_id = $1", category.Id), page.Count);
        Assert.Equal(await IdsFromDatabaseAsync("category_id = $1", 0, 100, category.Id), page.Data.Select(i => i.Id).ToList());
        Assert.All(page.Data, i => Assert.Equal("Electronics", i.CategoryName));

        var none = await fixture.Client.GetAsync<ItemsPageDto>("/api/catalog/items?categoryId=987654");
        Assert.Equal(0, none.Count);
        Assert.Empty(none.Data);
    }

    [Theory]
    [InlineData("headphones")]
    [InlineData("HEADPHONES")]
    [InlineData("apex")]
    [InlineData("e")]
    public async Task Name_search_is_a_case_insensitive_substring_match(string text)
    {
        var page = await fixture.Client.GetAsync<ItemsPageDto>($"/api/catalog/items?name={Uri.EscapeDataString(text)}&pageSize=100");

        var where = "strpos(lower(name), lower($1)) > 0";
        Assert.Equal(await fixture.ScalarAsync<long>($"SELECT count(*) FROM catalog_items WHERE {where}", text), page.Count);
        Assert.True(page.Count > 0);
        Assert.Equal(await IdsFromDatabaseAsync(where, 0, 100, text), page.Data.Select(i => i.Id).ToList());
    }

    [Fact]
    public async Task Search_and_category_combine()
    {
        var categoryId = await fixture.ScalarAsync<int>("SELECT id FROM catalog_categories WHERE name = 'Footwear'");
        var page = await fixture.Client.GetAsync<ItemsPageDto>($"/api/catalog/items?categoryId={categoryId}&name=boot&pageSize=100");
        var where = "category_id = $1 AND strpos(lower(name), 'boot') > 0";
        Assert.Equal(await IdsFromDatabaseAsync(where, 0, 100, categoryId), page.Data.Select(i => i.Id).ToList());
    }

    [Theory]
    [InlineData("%")]
    [InlineData("_")]
    [InlineData("\\")]
    [InlineData("'; DROP TABLE catalog_items; --")]
    [InlineData("' OR '1'='1")]
    [InlineData("\" OR 1=1 --")]
    [InlineData("%'--")]
    public async Task Sql_metacharacters_in_the_search_are_plain_text(string text)
    {
        var before = await fixture.FingerprintAsync();

        var page = await fixture.Client.GetAsync<ItemsPageDto>($"/api/catalog/items?name={Uri.EscapeDataString(text)}&pageSize=100");

        // The same literal substring test, done by the database without LIKE: the API must agree.
        Assert.Equal(await fixture.ScalarAsync<long>("SELECT count(*) FROM catalog_items WHERE strpos(lower(name), lower($1)) > 0", text), page.Count);
        Assert.All(page.Data, i => Assert.Contains(text, i.Name, StringComparison.OrdinalIgnoreCase));
        Assert.Equal(before, await fixture.FingerprintAsync());
    }

    [Fact]
    public async Task Wildcards_match_only_themselves()
    {
        using var created = await fixture.AdminSendAsync(HttpMethod.Post, "/api/admin/catalog/items",
            new { name = "Merino 100%_Wool Sock", description = "Literally 100% merino.", price = 12.99m, categoryId = 1, availableStock = 5 });
        var item = await Http.ReadAsync<ItemDto>(created, HttpStatusCode.Created);

        var percent = await fixture.Client.GetAsync<ItemsPageDto>("/api/catalog/items?name=" + Uri.EscapeDataString("0%_w") + "&pageSize=100");
        Assert.Equal([item.Id], percent.Data.Select(i => i.Id));

        // '_' would match any one character and '%' anything if they were wildcards.
        var underscore = await fixture.Client.GetAsync<ItemsPageDto>("/api/catalog/items?name=" + Uri.EscapeDataString("Merino_") + "&pageSize=100");
        Assert.Empty(underscore.Data);
    }

    [Fact]
    public async Task Item_details_are_the_database_row()
    {
        var id = await fixture.ScalarAsync<int>("SELECT id FROM catalog_items ORDER BY id OFFSET 7 LIMIT 1");

        var item = await fixture.Client.GetAsync<ItemDto>($"/api/catalog/items/{id}");

        Assert.Equal(id, item.Id);
        Assert.Equal(await fixture.ScalarAsync<string>("SELECT name FROM catalog_items WHERE id = $1", id), item.Name);
        Assert.Equal(await fixture.ScalarAsync<string>("SELECT description FROM catalog_items WHERE id = $1", id), item.Description);
        Assert.Equal(await fixture.ScalarAsync<decimal>("SELECT price FROM catalog_items WHERE id = $1", id), item.Price);
        // The stock shown is Ordering's figure once Ordering knows the item, else the row's; nothing in these tests sells
        // or restocks this seeded item, so the two are the same: the stock it was announced with.
        Assert.Equal(await fixture.ScalarAsync<int>("SELECT available_stock FROM catalog_items WHERE id = $1", id), item.AvailableStock);
        Assert.Equal(await fixture.ScalarAsync<string>("SELECT c.name FROM catalog_items i JOIN catalog_categories c ON c.id = i.category_id WHERE i.id = $1", id), item.CategoryName);
        Assert.StartsWith($"/api/catalog/items/{id}/pic?v=", item.PictureUrl);
    }

    [Fact]
    public async Task The_flash_sale_list_shows_live_and_upcoming_sales_with_their_item()
    {
        var sales = await fixture.Client.GetAsync<List<SaleDto>>("/api/flash-sales");

        var expected = await fixture.ScalarAsync<long>("SELECT count(*) FROM flash_sales WHERE state = 'Scheduled' AND ends_at > now()");
        Assert.Equal(expected, sales.Count);
        Assert.Contains(sales, s => s.Status == "Live");
        Assert.Contains(sales, s => s.Status == "Upcoming");
        Assert.Equal(sales.OrderBy(s => s.StartsAt).Select(s => s.Id), sales.Select(s => s.Id));
        foreach (var sale in sales)
        {
            var one = await fixture.Client.GetAsync<SaleDto>($"/api/flash-sales/{sale.Id}");
            Assert.Equal(sale, one);
            Assert.Equal(await fixture.ScalarAsync<string>("SELECT name FROM catalog_items WHERE id = $1", sale.ItemId), sale.ItemName);
            Assert.True(sale.SalePrice <= sale.RegularPrice);
        }
    }

    [Fact]
    public async Task The_openapi_document_describes_every_endpoint()
    {
        using var response = await fixture.Client.GetAsync("/openapi/v1.json");
        var document = await Http.ReadAsync<System.Text.Json.JsonElement>(response);
        var paths = document.GetProperty("paths");
        foreach (var path in (string[])["/api/catalog/items", "/api/catalog/items/{id}", "/api/catalog/items/{id}/pic", "/api/catalog/categories",
            "/api/flash-sales", "/api/flash-sales/{id}", "/api/admin/catalog/items", "/api/admin/catalog/items/{id}",
            "/api/admin/catalog/cache-stats", "/api/admin/flash-sales", "/api/admin/flash-sales/{id}", "/api/admin/flash-sales/{id}/cancel"])
        {
            Assert.True(paths.TryGetProperty(path, out _), $"{path} is missing from the OpenAPI document");
        }
        var create = paths.GetProperty("/api/admin/flash-sales").GetProperty("post");
        Assert.Equal("CreateFlashSale", create.GetProperty("operationId").GetString());
        Assert.True(create.GetProperty("responses").TryGetProperty("409", out _));
        Assert.True(create.TryGetProperty("security", out _));
        Assert.True(document.GetProperty("components").GetProperty("schemas").TryGetProperty("FlashSaleResponse", out _));
    }
}
