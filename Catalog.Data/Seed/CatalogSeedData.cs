using Bogus;

namespace Shop.Catalog.Data.Seed;

/// <summary>
/// The demo catalog: <see cref="ItemsPerCategory"/> items in each of eight categories, generated from word lists
/// with a fixed seed, so every fresh database gets the same catalog (same ids, names, prices, stock).
/// </summary>
public static class CatalogSeedData
{
    public const int Seed = 20_261_122;

    public const int ItemsPerCategory = 15;

    private sealed record CategoryRecipe(
        string Name,
        string[] Brands,
        string[] Adjectives,
        string[] Nouns,
        string[] Materials,
        string[] Features,
        decimal MinPrice,
        decimal MaxPrice);

    private static readonly CategoryRecipe[] Recipes =
    [
        new("Footwear",
            ["Northpeak", "Stride", "Kestrel", "Urbanfield", "Marlow"],
            ["Trail", "Road", "Lightweight", "Waterproof", "Classic", "Everyday", "Alpine"],
            ["Running Shoe", "Hiking Boot", "Sneaker", "Sandal", "Chelsea Boot", "Loafer", "Slip-On"],
            ["breathable mesh", "full-grain leather", "recycled knit", "suede", "canvas"],
            ["A cushioned midsole keeps every step soft", "The grippy rubber outsole holds on wet ground",
             "A padded collar stops rubbing on long days", "Reflective details help you be seen at dusk",
             "The removable insole can be washed"],
            39m, 189m),
        new("Outdoor & Camping",
            ["Ridgeway", "Basecamp", "Fjordline", "Timberwolf", "Solstice"],
            ["Ultralight", "Four-Season", "Compact", "Insulated", "Packable", "Rugged"],
            ["Tent", "Sleeping Bag", "Backpack", "Headlamp", "Camp Stove", "Trekking Poles", "Water Filter"],
            ["ripstop nylon", "aluminium", "recycled polyester", "carbon fibre", "stainless steel"],
            ["It packs down to the size of a water bottle", "Taped seams keep the rain out",
             "Everything stows in the included stuff sack", "It sets up in under five minutes",
             "Tested from the desert to the tree line"],
            14m, 449m),
        new("Electronics",
            ["Voltra", "Lumen", "Pixelia", "Auris", "Nimbus"],
            ["Wireless", "Noise-Cancelling", "Smart", "Portable", "4K", "Compact"],
            ["Headphones", "Earbuds", "Speaker", "Action Camera", "E-Reader", "Smartwatch", "Power Bank"],
            ["brushed aluminium", "matte polycarbonate", "tempered glass", "soft-touch silicone"],
            ["The battery lasts a whole long weekend", "It charges over USB-C in about an hour",
             "Pairs with two devices at once", "Splash-resistant for rainy commutes",
             "Firmware updates add features over time"],
            19m, 599m),
        new("Home & Kitchen",
            ["Hearth", "Copperleaf", "Nordhus", "Oakline", "Maison Verte"],
            ["Cast-Iron", "Non-Stick", "Stainless", "Stackable", "Handmade", "Ceramic"],
            ["Skillet", "Dutch Oven", "Chef's Knife", "Coffee Grinder", "Kettle", "Mixing Bowl Set", "Cutting Board"],
            ["enamelled cast iron", "walnut", "borosilicate glass", "18/10 stainless steel", "stoneware"],
            ["Goes from the hob to the oven to the table", "Dishwasher-safe for easy cleaning",
             "Balanced to sit comfortably in the hand", "Heats evenly without hot spots",
             "Comes with a lifetime warranty"],
            12m, 329m),
        new("Books",
            ["Harbor Press", "Lantern Books", "Meridian", "Quill & Ink", "Bluebell"],
            ["Illustrated", "Annotated", "Pocket", "Collector's", "Revised", "Hardcover"],
            ["Cookbook", "Field Guide", "Travel Atlas", "Novel", "Poetry Anthology", "History of Maps", "Baking Handbook"],
            ["acid-free paper", "cloth binding", "a linen cover", "recycled paper"],
            ["Over three hundred full-colour photographs", "Written by an award-winning author",
             "A ribbon marker keeps your place", "Includes a foreword by the editor",
             "Printed and bound in Europe"],
            8m, 59m),
        new("Toys & Games",
            ["Kiddo", "Brickhaven", "Puzzlewood", "Tinker Co.", "Starling"],
            ["Wooden", "Magnetic", "Cooperative", "Family", "Build-Your-Own", "Glow-in-the-Dark"],
            ["Building Set", "Board Game", "Jigsaw Puzzle", "Train Set", "Card Game", "Science Kit", "Plush Fox"],
            ["FSC-certified beech", "non-toxic paint", "recycled cardboard", "organic cotton"],
            ["Ages six and up", "Games last about thirty minutes", "Every piece stores in the box",
             "Encourages problem solving and teamwork", "Safety tested to EN 71"],
            9m, 129m),
        new("Sports & Fitness",
            ["Pulse", "Apex", "Corefit", "Velocity", "Summit"],
            ["Adjustable", "Non-Slip", "Foldable", "Pro", "Training", "Compact"],
            ["Yoga Mat", "Dumbbell Set", "Jump Rope", "Resistance Bands", "Foam Roller", "Kettlebell", "Cycling Helmet"],
            ["natural rubber", "cast iron", "high-density foam", "TPE", "steel"],
            ["Fits under the bed when you are done", "A textured grip for sweaty sessions",
             "Five resistance levels in one set", "Comes with a beginner's workout plan",
             "Built for daily use in busy gyms"],
            9m, 249m),
        new("Beauty & Care",
            ["Lumiere", "Seabloom", "Verdant", "Aurelle", "Pure Grove"],
            ["Hydrating", "Gentle", "Organic", "Fragrance-Free", "Nourishing", "Travel-Size"],
            ["Face Cream", "Shampoo Bar", "Lip Balm Set", "Body Lotion", "Hair Dryer", "Facial Cleanser", "Beard Oil"],
            ["shea butter", "aloe vera", "argan oil", "oat extract", "jojoba oil"],
            ["Suitable for sensitive skin", "Dermatologically tested", "Packed in a recyclable tin",
             "Never tested on animals", "Lasts for around three months of daily use"],
            5m, 149m),
    ];

    public static IReadOnlyList<string> CategoryNames { get; } = Recipes.Select(r => r.Name).ToArray();

    /// <summary>The items, in insertion order (so a fresh database gives them ids 1, 2, …), for categories by name.</summary>
    public static List<CatalogItem> CreateItems(IReadOnlyDictionary<string, CatalogCategory> categories, DateTimeOffset now)
    {
        var random = new Randomizer(Seed);
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var items = new List<CatalogItem>();
        foreach (var recipe in Recipes)
        {
            for (var i = 0; i < ItemsPerCategory; i++)
            {
                string name;
                do
                {
                    name = $"{random.ArrayElement(recipe.Brands)} {random.ArrayElement(recipe.Adjectives)} {random.ArrayElement(recipe.Nouns)}";
                }
                while (!names.Add(name));

                var features = random.Shuffle(recipe.Features).Take(2).ToArray();
                var description =
                    $"{name}: made from {random.ArrayElement(recipe.Materials)} and built to last. {features[0]}. {features[1]}.";
                var whole = random.Decimal(recipe.MinPrice, recipe.MaxPrice);
                var price = decimal.Floor(whole) + 0.99m;
                var stock = random.Bool(0.08f) ? 0 : random.Int(5, 500);
                items.Add(new CatalogItem
                {
                    Name = name,
                    Description = description,
                    Price = price,
                    Category = categories[recipe.Name],
                    AvailableStock = stock,
                    CreatedAt = now,
                    UpdatedAt = now,
                });
            }
        }
        return items;
    }
}
