package shapes;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.

/** Sums areas of shapes. */
public class Report {
    private final List<Shape> shapes = new ArrayList<>();

    public void add(Shape shape) {
        shapes.add(shape);
    }

    /** Sum of all areas. */
    public double totalArea() {
        double total = 0;
        for (Shape shape : shapes) {
            total += shape.
        }
        return total;
    }
}
