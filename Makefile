# BrowserSocket — the two commands: `make run` and `make test`.
MVN ?= mvn -B -ntp -Dstyle.color=never
# Maven 3.8's console library writes colour resets (ESC[0m) even in batch mode; only a JVM
# property stops them.
export MAVEN_OPTS += -Djansi.noreset=true
JARS = host-runtime/target/host-runtime.jar address-service/target/address-service.jar \
       discovery-service/target/discovery-service.jar browsersocket-api/target/browsersocket-api-demo-site.jar \
       selenium-tests/target/selenium-tests.jar swarm/target/swarm-manifest.jar

.PHONY: all build run test bench soak experiments paper extension clean help
# The runtime's public port that the packaged extension tells pages (make extension PUBLIC_PORT=…).
PUBLIC_PORT ?= 7041

all: build

help:
	@echo "make run    build and start the runtime, the services and the demo site"
	@echo "make test   install missing packages (as root), then run every test"
	@echo "make bench  page-hosted vs native echo and its floor; throughput; 20k idle peers; HTTP, address and discovery load; one table"
	@echo "make soak [SOAK_MINUTES=10]   hostile + normal load on a page-hosted echo; prints connections, memory, latency"
	@echo "make build  build the runnable jars, the site's own copy of the library and the extension"
	@echo "make extension [PUBLIC_PORT=7041]   build the browser extension (unpacked and zipped)"
	@echo "make experiments [ONLY=latency,...] [QUICK=1]   run the evaluation, write paper/results/"
	@echo "make paper  build paper/browsersocket.pdf from paper/results/"

build:
	@tools/install-deps.sh build
	$(MVN) -q package -DskipTests -Dextension.publicPort=$(PUBLIC_PORT)

extension:
	@tools/install-deps.sh build
	$(MVN) -q -pl browsersocket-api,host-runtime -am package -DskipTests -Dextension.publicPort=$(PUBLIC_PORT)
	@echo "unpacked extension: browsersocket-api/target/extension/browsersocket"
	@echo "packaged extension: browsersocket-api/target/browsersocket-extension.zip"
	@echo "next: load the unpacked extension (chrome://extensions, Developer mode, Load unpacked), then"
	@echo "      java -jar host-runtime/target/host-runtime.jar --install-native-host   (once),"
	@echo "      and run the runtime"

run: build
	@tools/run-stack.sh

test:
	@tools/install-deps.sh test
	$(MVN) test

# make bench ECHO_BENCH_ARGS="--rounds 2 --idle 4000" shortens the echo step (see its --help).
ECHO_BENCH_ARGS ?=
BENCH_JAR = selenium-tests/target/selenium-tests.jar
# Every step runs (one failing does not stop the rest), each appends its headline figures to
# BENCH_SUMMARY, and the run ends with their one table; it fails if any step did.
bench: build
	@tools/install-deps.sh bench
	@export BENCH_SUMMARY=$$(mktemp); failed=; \
	java -jar $(BENCH_JAR) $(ECHO_BENCH_ARGS) || failed="$$failed echo"; echo; \
	java -cp $(BENCH_JAR) org.browsersocket.bench.HttpBench || failed="$$failed http"; echo; \
	tools/bench-address.sh || failed="$$failed address"; echo; \
	java -cp $(BENCH_JAR) org.browsersocket.bench.DiscoveryBench || failed="$$failed discovery"; echo; \
	java -cp $(BENCH_JAR) org.browsersocket.bench.BenchSummary "$$BENCH_SUMMARY"; rm -f "$$BENCH_SUMMARY"; \
	if [ -n "$$failed" ]; then echo "bench steps that failed:$$failed"; exit 1; fi

SOAK_MINUTES ?= 10
soak: build
	@tools/install-deps.sh bench
	java -cp selenium-tests/target/selenium-tests.jar org.browsersocket.bench.Soak --minutes $(SOAK_MINUTES)

experiments: build
	@tools/install-deps.sh experiments
	java -cp selenium-tests/target/selenium-tests.jar org.browsersocket.experiments.Experiments \
	  $(if $(ONLY),--only $(ONLY)) $(if $(QUICK),--quick)

paper:
	@tools/build-paper.sh

clean:
	$(MVN) -q clean
	rm -rf .run
