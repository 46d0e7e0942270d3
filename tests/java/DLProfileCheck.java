// Loads an RDF/XML ontology with the OWL API (the library Protégé uses), with the RDF/XML
// parser chosen explicitly, and prints OWL 2 DL profile violations and entity counts.
// Loads non-strict by default, as Protégé does; -Dstrict=true for the strict RDF mapping.
// Usage: java -cp <owlapi classpath>:. DLProfileCheck FILE
import java.io.File;
import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.io.FileDocumentSource;
import org.semanticweb.owlapi.rdf.rdfxml.parser.RDFXMLParser;
import org.semanticweb.owlapi.model.*;
import org.semanticweb.owlapi.profiles.*;

public class DLProfileCheck {
    public static void main(String[] args) throws Exception {
        OWLOntologyManager manager = OWLManager.createOWLOntologyManager();
        OWLOntologyLoaderConfiguration conf = new OWLOntologyLoaderConfiguration()
            .setMissingImportHandlingStrategy(MissingImportHandlingStrategy.SILENT)
            .setStrict(Boolean.parseBoolean(System.getProperty("strict", "false")));
        // Parse with the RDF/XML parser itself: left to try every parser, the OWL API may
        // accept a broken file through another syntax (see ENVIRONMENT.md).
        OWLOntology ont = manager.createOntology();
        OWLDocumentFormat format = new RDFXMLParser().parse(
            new FileDocumentSource(new File(args[0])), ont, conf);
        manager.setOntologyFormat(ont, format);
        OWLProfileReport report = new OWL2DLProfile().checkOntology(ont);
        System.out.println("format " + manager.getOntologyFormat(ont).getKey());
        System.out.println("axioms " + ont.getAxiomCount());
        System.out.println("logical_axioms " + ont.getLogicalAxiomCount());
        System.out.println("classes " + ont.getClassesInSignature().size());
        System.out.println("individuals " + ont.getIndividualsInSignature().size());
        System.out.println("object_properties " + ont.getObjectPropertiesInSignature().size());
        System.out.println("violations " + report.getViolations().size());
        for (OWLProfileViolation v : report.getViolations()) {
            System.out.println("VIOLATION " + v.getClass().getSimpleName() + ": " + v);
        }
    }
}
