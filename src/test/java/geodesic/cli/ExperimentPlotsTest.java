package geodesic.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExperimentPlotsTest {

    @Test
    void axisIsNotCutWhenEveryCurveStaysNearTheOthers() {
        List<Double> tops = List.of(2.3, 1.1, 0.9, 0.7, 0.6, 0.5, 0.45, 0.4);
        assertEquals(2.3, ExperimentPlots.clip(0.3, tops));
    }

    @Test
    void axisIsCutAboveADivergingCurveAtThreeQuartileDistancesOverTheUpperQuartile() {
        List<Double> tops = new ArrayList<>(List.of(0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2));
        tops.add(2.7e7);
        tops.add(449.0);
        // sorted: 0.5 ... 1.2, 449, 2.7e7; the upper quartile (index 6 of 10) is 1.1, so 1.1 + 3 * (1.1 - 0.4).
        assertEquals(1.1 + 3 * 0.7, ExperimentPlots.clip(0.4, tops), 1e-12);
    }
}
