namespace Shop.Web.Components;

/// <summary>
/// Marks a page that hosts live (InteractiveServer) components: only such pages load <c>blazor.web.js</c> and open
/// a circuit (App.razor). Every other page stays plain HTML with no circuit, the sale page above all
/// (docs/architecture.md, "Reads and the sale page"; docs/storefront.md, "How it is built").
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class LivePageAttribute : Attribute;
