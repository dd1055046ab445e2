package org.tarsier.console.internal.command;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A plain-text table with a header row, columns separated by two spaces and padded to the widest
 * cell, for shell commands that return their output as a string.
 *
 * <p>Every cell is one line: line breaks and tabs inside a cell become spaces. The last column is
 * not padded, so no line ends in spaces. Widths count characters, so wide East Asian characters
 * misalign their column.
 */
public final class TextTable {

    private static final String COLUMN_GAP = "  ";

    private final List<String> headers;
    private final boolean[] rightAligned;
    private final List<List<String>> rows = new ArrayList<>();

    /** Creates a table with the given column headers, all columns aligned left. */
    public TextTable(String... headers) {
        if (headers.length == 0) {
            throw new IllegalArgumentException("a table needs at least one column");
        }
        this.headers = Arrays.stream(headers).map(TextTable::cell).toList();
        this.rightAligned = new boolean[headers.length];
    }

    /** Aligns the columns with the given zero-based indexes to the right, as numbers read best. */
    public TextTable alignRight(int... columns) {
        for (int column : columns) {
            rightAligned[column] = true;
        }
        return this;
    }

    /**
     * Adds a row; {@code null} cells are empty and other values are shown with
     * {@link String#valueOf(Object)}.
     *
     * @throws IllegalArgumentException if the number of cells differs from the number of columns
     */
    public TextTable addRow(Object... cells) {
        if (cells.length != headers.size()) {
            throw new IllegalArgumentException(
                    "row has " + cells.length + " cells, expected " + headers.size());
        }
        rows.add(Arrays.stream(cells).map(TextTable::cell).toList());
        return this;
    }

    /** Returns the number of rows, not counting the header. */
    public int rowCount() {
        return rows.size();
    }

    /** Returns the header and the rows, one line each, separated by {@code \n}. */
    public String format() {
        int[] widths = columnWidths();
        StringBuilder text = new StringBuilder();
        appendLine(text, headers, widths);
        for (List<String> row : rows) {
            text.append('\n');
            appendLine(text, row, widths);
        }
        return text.toString();
    }

    @Override
    public String toString() {
        return format();
    }

    private int[] columnWidths() {
        int[] widths = new int[headers.size()];
        for (int column = 0; column < widths.length; column++) {
            widths[column] = length(headers.get(column));
            for (List<String> row : rows) {
                widths[column] = Math.max(widths[column], length(row.get(column)));
            }
        }
        return widths;
    }

    private void appendLine(StringBuilder text, List<String> cells, int[] widths) {
        int lineStart = text.length();
        for (int column = 0; column < cells.size(); column++) {
            if (column > 0) {
                text.append(COLUMN_GAP);
            }
            String cell = cells.get(column);
            String padding = " ".repeat(widths[column] - length(cell));
            if (rightAligned[column]) {
                text.append(padding).append(cell);
            } else {
                text.append(cell).append(padding);
            }
        }
        stripTrailingSpaces(text, lineStart);
    }

    private static void stripTrailingSpaces(StringBuilder text, int lineStart) {
        int end = text.length();
        while (end > lineStart && text.charAt(end - 1) == ' ') {
            end--;
        }
        text.setLength(end);
    }

    private static String cell(Object value) {
        if (value == null) {
            return "";
        }
        return String.valueOf(value).replaceAll("\\s*[\\r\\n\\t]+\\s*", " ").strip();
    }

    private static int length(String cell) {
        return cell.codePointCount(0, cell.length());
    }
}
