module pinlab/probeprograms

go 1.24.0

require (
	github.com/HdrHistogram/hdrhistogram-go v1.4.0
	pinlab/exercises v0.0.0
)

replace pinlab/exercises => ../../exercises
