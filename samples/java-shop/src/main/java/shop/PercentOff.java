package shop;

/** A percentage off. */
public class PercentOff implements PriceRule {
    private final int percent;

    public PercentOff(int percent) {
        this.percent = percent;
    }

    @Override
    public long apply(long cents) {
        return cents - cents * percent / 100;
    }
}
