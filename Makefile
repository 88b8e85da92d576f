# BrowserSocket — the two commands: `make run` and `make test`.
MVN ?= mvn -B -ntp -Dstyle.color=never
JARS = host-runtime/target/host-runtime.jar address-service/target/address-service.jar \
       discovery-service/target/discovery-service.jar browsersocket-api/target/browsersocket-api-demo-site.jar \
       selenium-tests/target/selenium-tests.jar

.PHONY: all build run test bench experiments paper clean help

all: build

help:
	@echo "make run    build and start the runtime, the services and the demo site"
	@echo "make test   install missing packages (as root), then run every test"
	@echo "make bench  page-hosted vs native echo; 10k idle peers; address and discovery service load"
	@echo "make build  build the runnable jars"
	@echo "make experiments [ONLY=latency,...] [QUICK=1]   run the evaluation, write paper/results/"
	@echo "make paper  build paper/browsersocket.pdf from paper/results/"

build:
	@tools/install-deps.sh build
	$(MVN) -q package -DskipTests

run: build
	@tools/run-stack.sh

test:
	@tools/install-deps.sh test
	$(MVN) test

bench: build
	@tools/install-deps.sh bench
	java -jar selenium-tests/target/selenium-tests.jar
	@echo
	@tools/bench-address.sh
	@echo
	java -cp selenium-tests/target/selenium-tests.jar org.browsersocket.bench.DiscoveryBench

experiments: build
	@tools/install-deps.sh experiments
	java -cp selenium-tests/target/selenium-tests.jar org.browsersocket.experiments.Experiments \
	  $(if $(ONLY),--only $(ONLY)) $(if $(QUICK),--quick)

paper:
	@tools/build-paper.sh

clean:
	$(MVN) -q clean
	rm -rf .run
