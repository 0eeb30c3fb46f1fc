# Strata's build image, for ./build-docker.sh: Debian trixie (the stable release) with the host tools `depends` names,
# the JDK and Maven, and Strata built. Layers are ordered so that a changed stage rebuilds only the
# last one, a changed source the jar, a changed `depends` the packages.
ARG BASE_IMAGE=debian:trixie
FROM ${BASE_IMAGE}

ENV DEBIAN_FRONTEND=noninteractive
COPY depends src/main/sh/depends-packages /strata/
RUN apt-get update -q \
    && apt-get install -y -q --no-install-recommends \
        $(/strata/depends-packages /strata/depends) default-jdk-headless maven ca-certificates tini \
    && apt-get clean \
    && rm -rf /var/lib/apt/lists/* /strata/depends /strata/depends-packages

WORKDIR /strata
COPY pom.xml ./
COPY src ./src
# The shaded jar holds every library, so Maven's downloads stay in the build cache, not the image.
RUN --mount=type=cache,target=/root/.m2 \
    mvn -q -B -Dstyle.color=never -Dmaven.test.skip=true package \
    && cp target/strata-build.jar target/strata.jar

COPY . ./
# tini as PID 1 reaps what the build's servers leave and passes Ctrl-C on to the build.
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["./build", "--help"]
