/**
 * OpenDHT's XML-RPC interface: {@link org.browsersocket.discovery.xmlrpc.XmlRpcCodec} reads
 * {@code <methodCall>}s with the JDK's XML parser, locked down (no DOCTYPE, no entities, no
 * XInclude, bounded body), and writes {@code <methodResponse>}s and faults;
 * {@link org.browsersocket.discovery.xmlrpc.OpenDhtGateway} maps OpenDHT's methods, with their
 * exact names and argument order, onto the {@link org.browsersocket.discovery.directory.Directory}.
 */
package org.browsersocket.discovery.xmlrpc;
