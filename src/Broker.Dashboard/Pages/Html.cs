using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;

namespace Broker.Dashboard.Pages;

/// <summary>
/// Writes a page. Markup written by the dashboard itself goes through <see cref="Raw"/>; everything that comes from the
/// broker or the request (channel names, errors, headers, payloads, query values) goes through <see cref="Text"/> or
/// <see cref="Attribute"/>, which encode it, so no data can become markup or script.
/// </summary>
internal sealed class Html
{
    private readonly StringBuilder _builder = new(8 * 1024);
    private readonly HtmlEncoder _encoder = HtmlEncoder.Default;

    /// <summary>Markup the dashboard wrote; never pass data.</summary>
    public Html Raw(string markup)
    {
        _builder.Append(markup);
        return this;
    }

    /// <summary>Text content, encoded.</summary>
    public Html Text(string? text)
    {
        if (!string.IsNullOrEmpty(text))
            _encoder.Encode(new StringWriter(_builder, CultureInfo.InvariantCulture), text);
        return this;
    }

    /// <summary>A number as text.</summary>
    public Html Number(long value) => Raw(value.ToString("N0", CultureInfo.InvariantCulture));

    /// <summary><c> name="value"</c>, with the value encoded.</summary>
    public Html Attribute(string name, string value)
    {
        _builder.Append(' ').Append(name).Append("=\"");
        Text(value);
        _builder.Append('"');
        return this;
    }

    /// <summary>A link: <c>&lt;a href="url"&gt;text&lt;/a&gt;</c>, both encoded.</summary>
    public Html Link(string url, string text, string? cssClass = null)
    {
        Raw("<a").Attribute("href", url);
        if (cssClass is not null)
            Attribute("class", cssClass);
        return Raw(">").Text(text).Raw("</a>");
    }

    /// <inheritdoc />
    public override string ToString() => _builder.ToString();
}
