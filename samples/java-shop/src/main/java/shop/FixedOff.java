package shop;

/** A fixed amount off, never below zero. */
public class FixedOff implements PriceRule {
    private final long offCents;

    public FixedOff(long offCents) {
        this.offCents = offCents;
    }

    @Override
    public long apply(long cents) {
        return Math.max(0, cents - offCents);
    }
}
