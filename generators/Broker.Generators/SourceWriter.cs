using System;
using System.Text;

namespace Broker.Generators;

/// <summary>Builds source text line by line with four-space indentation and "\n" line ends, whatever the platform.</summary>
internal sealed class SourceWriter
{
    private readonly StringBuilder _builder = new();
    private int _indentation;

    public SourceWriter WriteLine(string line)
    {
        if (line.Length > 0)
            _builder.Append(' ', _indentation * 4).Append(line);
        _builder.Append('\n');
        return this;
    }

    public SourceWriter WriteLine() => WriteLine(string.Empty);

    /// <summary>Writes several lines, each at the current indentation (for doc comments and argument lists).</summary>
    public SourceWriter WriteLines(string text)
    {
        foreach (var line in text.Split('\n'))
            WriteLine(line.TrimEnd('\r'));
        return this;
    }

    /// <summary>Writes <c>{</c> and indents.</summary>
    public SourceWriter OpenBlock()
    {
        WriteLine("{");
        _indentation++;
        return this;
    }

    /// <summary>Unindents and writes <c>}</c> (with an optional suffix such as <c>;</c>).</summary>
    public SourceWriter CloseBlock(string suffix = "")
    {
        if (_indentation == 0)
            throw new InvalidOperationException("CloseBlock without OpenBlock.");
        _indentation--;
        WriteLine("}" + suffix);
        return this;
    }

    public SourceWriter Indent()
    {
        _indentation++;
        return this;
    }

    public SourceWriter Unindent()
    {
        _indentation--;
        return this;
    }

    public override string ToString()
    {
        if (_indentation != 0)
            throw new InvalidOperationException("Unbalanced blocks: " + _indentation + " still open.");
        return _builder.ToString();
    }
}
