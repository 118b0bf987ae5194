package dev.freight.cli;

import java.util.ArrayList;
import java.util.List;

/** What a terminal shows after printing some text: a carriage return moves back to column 0 and later text overwrites. */
final class TerminalScreen {
    private TerminalScreen() {
    }

    /** The visible lines, trailing blanks removed, blank lines dropped. */
    static List<String> render(String text) {
        List<String> screen = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        int column = 0;
        for (char c : text.toCharArray()) {
            if (c == '\n') {
                addVisible(screen, line);
                line.setLength(0);
                column = 0;
            } else if (c == '\r') {
                column = 0;
            } else {
                if (column < line.length()) line.setCharAt(column, c); else line.append(c);
                column++;
            }
        }
        addVisible(screen, line);
        return screen;
    }

    private static void addVisible(List<String> screen, StringBuilder line) {
        String visible = line.toString().stripTrailing();
        if (!visible.isEmpty()) screen.add(visible);
    }
}
