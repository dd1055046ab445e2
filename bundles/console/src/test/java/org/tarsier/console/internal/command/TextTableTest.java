package org.tarsier.console.internal.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TextTableTest {

    @Test
    void columnsArePaddedToWidestCell() {
        String text = new TextTable("NAME", "STATE")
                .addRow("process", "LOADED")
                .addRow("tcp", "UNLOADED")
                .format();

        assertEquals("NAME     STATE\n"
                + "process  LOADED\n"
                + "tcp      UNLOADED", text);
    }

    @Test
    void rightAlignedColumnsPadOnTheLeft() {
        String text = new TextTable("NAME", "EVENTS", "LAST ERROR")
                .alignRight(1)
                .addRow("process", 1520, "")
                .addRow("tcp", 7, "")
                .format();

        assertEquals("NAME     EVENTS  LAST ERROR\n"
                + "process    1520\n"
                + "tcp           7", text);
    }

    @Test
    void linesNeverEndInSpaces() {
        String text = new TextTable("A", "B", "C")
                .addRow("long value", "", "")
                .addRow("x", "y", "")
                .format();

        for (String line : text.split("\n")) {
            assertFalse(line.endsWith(" "), "line ends in a space: '" + line + "'");
        }
    }

    @Test
    void lineBreaksInCellsBecomeSpaces() {
        String text = new TextTable("NAME", "LAST ERROR")
                .addRow("process", "failed to load\n  process.bpf.o:\tEPERM\r\n")
                .format();

        assertEquals("NAME     LAST ERROR\n"
                + "process  failed to load process.bpf.o: EPERM", text);
    }

    @Test
    void nullCellIsEmpty() {
        String text = new TextTable("A", "B").addRow(null, "b").format();

        assertEquals("A  B\n   b", text);
    }

    @Test
    void tableWithoutRowsIsHeaderOnly() {
        assertEquals("ID  NAME", new TextTable("ID", "NAME").format());
    }

    @Test
    void widthCountsCodePointsNotChars() {
        String text = new TextTable("NAME", "X").addRow("\uD83D\uDC1F", "y").format();

        assertEquals("NAME  X\n\uD83D\uDC1F     y", text);
    }

    @Test
    void rowWithWrongCellCountIsRejected() {
        TextTable table = new TextTable("A", "B");

        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> table.addRow("only one"));
        assertEquals("row has 1 cells, expected 2", e.getMessage());
    }
}
