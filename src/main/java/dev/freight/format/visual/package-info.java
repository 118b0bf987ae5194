/** The visual formats (png, pdf_visual): declared here; a browser renders them, no writer turns rows into them. */
package dev.freight.format.visual;
