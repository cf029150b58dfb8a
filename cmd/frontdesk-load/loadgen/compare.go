package loadgen

import (
	"context"
	"fmt"
	"io"
	"slices"
)

// Round is the baseline and the product under the same traffic, one
// right after the other.
type Round struct {
	Baseline Report  `json:"baseline"`
	Product  Report  `json:"product"`
	Ratio    float64 `json:"ratio"` // the product's throughput over the baseline's
}

// Comparison is one or more rounds in the same invocation, so the
// product's figure is a ratio to what the machine allowed at that moment;
// several rounds, alternating, keep a passing disturbance from deciding
// the result.
type Comparison struct {
	Rounds []Round `json:"rounds"`
	// MedianRatio is the median of the rounds' ratios.
	MedianRatio float64 `json:"median_ratio"`
	// Half is the product again, open loop at half its median throughput,
	// for the ack latency at a sustainable load, and HalfBaseline the
	// baseline at the same rate: the latency floor of the machine at that
	// moment (nil unless asked for).
	Half         *Report `json:"half_rate,omitempty"`
	HalfBaseline *Report `json:"half_rate_baseline,omitempty"`
}

// Compare runs rounds of the baseline then the product with the same load;
// with half set, then the product open loop at half the median throughput
// it reached.
func Compare(ctx context.Context, baseline, product Target, l Load, rounds int, half bool) (Comparison, error) {
	var c Comparison
	var throughputs, ratios []float64
	for i := range max(rounds, 1) {
		var r Round
		var err error
		if r.Baseline, err = Run(ctx, baseline, l); err != nil {
			return c, fmt.Errorf("round %d: baseline run: %w", i+1, err)
		}
		if r.Product, err = Run(ctx, product, l); err != nil {
			return c, fmt.Errorf("round %d: product run: %w", i+1, err)
		}
		if r.Baseline.Throughput > 0 {
			r.Ratio = r.Product.Throughput / r.Baseline.Throughput
		}
		c.Rounds = append(c.Rounds, r)
		throughputs = append(throughputs, r.Product.Throughput)
		ratios = append(ratios, r.Ratio)
	}
	c.MedianRatio = median(ratios)
	if rate := median(throughputs) / 2; half && rate > 0 {
		hl := l
		hl.Rate = rate
		b, err := Run(ctx, baseline, hl)
		if err != nil {
			return c, fmt.Errorf("half-rate baseline run: %w", err)
		}
		p, err := Run(ctx, product, hl)
		if err != nil {
			return c, fmt.Errorf("half-rate run: %w", err)
		}
		b.Label += ", same rate"
		p.Label += ", half rate"
		c.HalfBaseline, c.Half = &b, &p
	}
	return c, nil
}

// median of xs (the mean of the middle two for an even count).
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// WriteText prints each round as a table with its ratio, then the median.
func (c Comparison) WriteText(w io.Writer) error {
	for i, r := range c.Rounds {
		if len(c.Rounds) > 1 {
			if _, err := fmt.Fprintf(w, "round %d\n", i+1); err != nil {
				return err
			}
		}
		if err := WriteText(w, r.Baseline, r.Product); err != nil {
			return err
		}
		if _, err := fmt.Fprintf(w, "product / baseline throughput: %.2f\n\n", r.Ratio); err != nil {
			return err
		}
	}
	if len(c.Rounds) > 1 {
		if _, err := fmt.Fprintf(w, "median product / baseline throughput over %d rounds: %.2f\n\n", len(c.Rounds), c.MedianRatio); err != nil {
			return err
		}
	}
	if c.Half != nil {
		return WriteText(w, *c.HalfBaseline, *c.Half)
	}
	return nil
}
